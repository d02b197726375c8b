"""A panel's recurring schedule: an RFC 5545 RRULE in the panel's own time zone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

from panel_service.errors import Invalid

MAX_OCCURRENCES = 200


def parse_rule(rule: str, first_date: date, start: time) -> rrule:
    """Parse and check a recurrence rule, naming the field if it is not one."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if "DTSTART" in text.upper() or "\n" in text:
        raise Invalid("give the rule alone (no DTSTART)", field="recurrence_rule")
    try:
        parsed = rrulestr(text, dtstart=datetime.combine(first_date, start))
    except (ValueError, TypeError) as exc:
        raise Invalid(f"not a recurrence rule: {exc}", field="recurrence_rule") from exc
    if not isinstance(parsed, rrule):
        raise Invalid("give a single RRULE", field="recurrence_rule")
    return parsed


def check_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(f"unknown time zone {name!r}", field="timezone") from exc


def occurrences(
    rule: str,
    first_date: date,
    start: time,
    end: time,
    zone_name: str,
    after: datetime,
    until: datetime | None = None,
    limit: int = 12,
) -> list[tuple[datetime, datetime]]:
    """Sittings that start after ``after``: local wall-clock times, so 10:00 stays 10:00
    across the change to and from summer time."""
    zone = check_zone(zone_name)
    parsed = parse_rule(rule, first_date, start)
    local_after = after.astimezone(zone).replace(tzinfo=None)
    result: list[tuple[datetime, datetime]] = []
    for occurrence in parsed.xafter(local_after, count=min(limit, MAX_OCCURRENCES)):
        starts_at = occurrence.replace(tzinfo=zone)
        if until is not None and starts_at > until:
            break
        result.append((starts_at, datetime.combine(occurrence.date(), end, tzinfo=zone)))
    return result
