"""iCalendar output as pure functions from meeting data to bytes (icalendar 7).

Times are written as local time with a TZID and a VTIMEZONE bounded to the years around the
events: a zone's whole history makes every invite bigger and slower to build for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress

PRODID = "-//Panel Service//EN"
METHODS = frozenset({"REQUEST", "CANCEL"})


@dataclass(frozen=True, slots=True)
class CalendarMeeting:
    """What a calendar may say about a meeting: no names, no case details."""

    uid: str
    sequence: int
    summary: str
    description: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location: str
    url: str
    organizer_email: str
    organizer_name: str
    stamp: datetime
    cancelled: bool = False
    alarm_minutes: int = 60

    def __post_init__(self) -> None:
        for field in ("starts_at", "ends_at", "stamp"):
            value: datetime = getattr(self, field)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{field}: must be timezone-aware")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at: must be after starts_at")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("timezone: not a known IANA zone") from exc


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _event(meeting: CalendarMeeting, *, cancelled: bool) -> Event:
    zone = ZoneInfo(meeting.timezone)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.stamp.astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", meeting.summary)
    event.add("description", meeting.description)
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.url:
        event.add("url", meeting.url)
    organizer = vCalAddress(f"mailto:{meeting.organizer_email}")
    organizer.params["CN"] = meeting.organizer_name
    event.add("organizer", organizer)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _add_timezones(calendar: Calendar, meetings: Sequence[CalendarMeeting]) -> None:
    """Put one bounded VTIMEZONE per zone first, covering the year before to the year after."""
    years: dict[str, tuple[int, int]] = {}
    for meeting in meetings:
        zone = ZoneInfo(meeting.timezone)
        first = meeting.starts_at.astimezone(zone).year
        last = meeting.ends_at.astimezone(zone).year
        low, high = years.get(meeting.timezone, (first, last))
        years[meeting.timezone] = (min(low, first), max(high, last))
    for position, (tzid, (first, last)) in enumerate(sorted(years.items())):
        timezone = Timezone.from_tzid(
            tzid, first_date=date(first - 1, 1, 1), last_date=date(last + 2, 1, 1)
        )
        calendar.subcomponents.insert(position, timezone)


def invite_ics(meeting: CalendarMeeting, attendee_email: str, method: str) -> bytes:
    """An invitation (REQUEST) or cancellation (CANCEL) of one meeting for one attendee.

    CANCEL also serves an attendee dropped from a meeting that goes ahead. The attendee
    carries no CN: the file names nobody but the organiser.
    """
    if method not in METHODS:
        raise ValueError("method: must be REQUEST or CANCEL")
    if method == "REQUEST" and meeting.cancelled:
        raise ValueError("method: a cancelled meeting is sent as CANCEL, not REQUEST")
    calendar = _calendar(method)
    event = _event(meeting, cancelled=method == "CANCEL")
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    if method == "REQUEST":
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", meeting.summary)
        alarm.add("trigger", timedelta(minutes=-meeting.alarm_minutes))
        event.add_component(alarm)
    event.add("attendee", attendee)
    calendar.add_component(event)
    _add_timezones(calendar, [meeting])
    return calendar.to_ical()


def feed_ics(name: str, meetings: Sequence[CalendarMeeting]) -> bytes:
    """A subscribable feed (METHOD:PUBLISH) of meetings, cancelled ones marked CANCELLED."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting, cancelled=meeting.cancelled))
    _add_timezones(calendar, meetings)
    return calendar.to_ical()
