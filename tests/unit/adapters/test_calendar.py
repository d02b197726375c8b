"""invite_ics and feed_ics, read back by icalendar and by an independent parser (vobject)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from panel_service.adapters.calendar import CalendarMeeting, feed_ics, invite_ics

LONDON = ZoneInfo("Europe/London")
ATTENDEE = "idva@refuge.nhs.net"


def _meeting(**overrides: Any) -> CalendarMeeting:
    fields: dict[str, Any] = {
        "uid": "meeting-12@panel.example",
        "sequence": 0,
        "summary": "Northtown MARAC",
        "description": "Video link: https://video.example/northtown",
        "starts_at": datetime(2026, 6, 11, 10, 0, tzinfo=LONDON),
        "ends_at": datetime(2026, 6, 11, 12, 30, tzinfo=LONDON),
        "timezone": "Europe/London",
        "location": "Northtown Police Station, Room 2",
        "url": "https://video.example/northtown",
        "organizer_email": "marac@northtown.gov.uk",
        "organizer_name": "Northtown MARAC Coordinator",
        "stamp": datetime(2026, 5, 1, 8, 0, tzinfo=UTC),
    }
    fields.update(overrides)
    return CalendarMeeting(**fields)


def _icalendar(raw: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(raw)


def _vobject(raw: bytes) -> Any:
    return vobject.readOne(raw.decode("utf-8"))


def _the_event(calendar: icalendar.Calendar) -> icalendar.Event:
    (event,) = calendar.events
    return event


def _onsets(observance: icalendar.cal.Component) -> list[datetime]:
    """DTSTART and every RDATE of a STANDARD or DAYLIGHT part (RDATE is one value or a list)."""
    rdates: Any = observance.get("RDATE", [])
    rdate_lists = rdates if isinstance(rdates, list) else [rdates]
    start: Any = observance["DTSTART"]
    return [start.dt, *(d.dt for rdate in rdate_lists for d in rdate.dts)]


def test_a_request_names_the_method_uid_sequence_organizer_and_one_anonymous_attendee() -> None:
    raw = invite_ics(_meeting(sequence=3), ATTENDEE, "REQUEST")

    event = _the_event(_icalendar(raw))
    assert _icalendar(raw)["METHOD"] == "REQUEST"
    assert str(event["UID"]) == "meeting-12@panel.example"
    assert event["SEQUENCE"] == 3
    assert str(event["STATUS"]) == "CONFIRMED"
    organizer = event.organizer
    assert organizer is not None
    assert str(organizer) == "mailto:marac@northtown.gov.uk"
    assert organizer.params["CN"] == "Northtown MARAC Coordinator"
    (attendee,) = event.attendees
    assert str(attendee) == f"mailto:{ATTENDEE}"
    assert dict(attendee.params) == {
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }

    parsed = _vobject(raw)
    assert parsed.method.value == "REQUEST"
    assert parsed.prodid.value == "-//Panel Service//EN"
    assert parsed.version.value == "2.0"
    assert parsed.vevent.uid.value == "meeting-12@panel.example"
    assert parsed.vevent.sequence.value == "3"
    assert parsed.vevent.attendee.params["RSVP"] == ["TRUE"]
    assert "CN" not in parsed.vevent.attendee.params
    assert parsed.vevent.url.value == "https://video.example/northtown"


def test_a_request_reminds_an_hour_before_by_default() -> None:
    raw = invite_ics(_meeting(), ATTENDEE, "REQUEST")

    (alarm,) = _the_event(_icalendar(raw)).walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    trigger: Any = alarm["TRIGGER"]
    assert trigger.dt == timedelta(minutes=-60)
    assert _vobject(raw).vevent.valarm.trigger.value == timedelta(minutes=-60)


def test_times_carry_the_tzid_and_a_vtimezone_bounded_to_the_years_around_the_event() -> None:
    raw = invite_ics(_meeting(), ATTENDEE, "REQUEST")

    assert b"DTSTART;TZID=Europe/London:20260611T100000\r\n" in raw
    assert b"DTEND;TZID=Europe/London:20260611T123000\r\n" in raw
    (timezone,) = _icalendar(raw).timezones
    assert str(timezone["TZID"]) == "Europe/London"
    onsets = [onset for part in timezone.subcomponents for onset in _onsets(part)]
    # 2025 to 2027: two changes a year, not every change since 1847.
    assert min(onsets).year == 2025 and max(onsets).year == 2027
    assert len(onsets) <= 8
    assert _vobject(raw).vtimezone.tzid.value == "Europe/London"


def test_a_start_given_in_another_zone_is_written_as_local_time() -> None:
    meeting = _meeting(
        starts_at=datetime(2026, 6, 11, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 6, 11, 11, 30, tzinfo=UTC),
    )
    raw = invite_ics(meeting, ATTENDEE, "REQUEST")
    assert b"DTSTART;TZID=Europe/London:20260611T100000\r\n" in raw


@pytest.mark.parametrize(
    ("local_start", "utc_start"),
    [
        # BST starts at 01:00 UTC that morning: 10:00 local is 09:00 UTC.
        (datetime(2026, 3, 29, 10, 0), datetime(2026, 3, 29, 9, 0, tzinfo=UTC)),
        # GMT again from 01:00 UTC: 10:00 local is 10:00 UTC.
        (datetime(2026, 10, 25, 10, 0), datetime(2026, 10, 25, 10, 0, tzinfo=UTC)),
    ],
)
def test_on_a_clock_change_day_both_parsers_give_back_the_same_instant(
    local_start: datetime, utc_start: datetime
) -> None:
    starts_at = local_start.replace(tzinfo=LONDON)
    meeting = _meeting(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
    raw = invite_ics(meeting, ATTENDEE, "REQUEST")

    from_icalendar = _the_event(_icalendar(raw)).start
    assert isinstance(from_icalendar, datetime)
    from_vobject = _vobject(raw).vevent.dtstart.value
    assert from_icalendar.tzinfo is not None and from_vobject.tzinfo is not None
    assert from_icalendar.astimezone(UTC) == utc_start
    assert from_vobject.astimezone(UTC) == utc_start


def test_a_summary_with_commas_semicolons_and_a_newline_round_trips() -> None:
    summary = "Northtown MARAC, part 2; reconvened\nafter the fire alarm"
    raw = invite_ics(_meeting(summary=summary), ATTENDEE, "REQUEST")

    assert str(_the_event(_icalendar(raw))["SUMMARY"]) == summary
    assert _vobject(raw).vevent.summary.value == summary


def test_a_cancel_keeps_the_uid_and_says_cancelled_without_a_reminder() -> None:
    raw = invite_ics(_meeting(sequence=4, cancelled=True), ATTENDEE, "CANCEL")

    calendar = _icalendar(raw)
    event = _the_event(calendar)
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "meeting-12@panel.example"
    assert event["SEQUENCE"] == 4
    assert not event.walk("VALARM")
    assert _vobject(raw).vevent.status.value == "CANCELLED"


def test_a_cancel_for_one_attendee_of_a_meeting_that_goes_ahead_is_allowed() -> None:
    raw = invite_ics(_meeting(sequence=1), ATTENDEE, "CANCEL")
    assert str(_the_event(_icalendar(raw))["STATUS"]) == "CANCELLED"


def test_a_cancelled_meeting_cannot_be_sent_as_a_request() -> None:
    with pytest.raises(ValueError, match="method"):
        invite_ics(_meeting(cancelled=True), ATTENDEE, "REQUEST")


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="method"):
        invite_ics(_meeting(), ATTENDEE, "PUBLISH")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": datetime(2026, 6, 11, 10, 0)}, "starts_at"),
        ({"stamp": datetime(2026, 5, 1, 8, 0)}, "stamp"),
        ({"ends_at": datetime(2026, 6, 11, 10, 0, tzinfo=LONDON)}, "ends_at"),
        ({"ends_at": datetime(2026, 6, 11, 9, 0, tzinfo=LONDON)}, "ends_at"),
        ({"timezone": "Europe/Northtown"}, "timezone"),
    ],
)
def test_naive_times_backwards_meetings_and_unknown_zones_are_refused(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValueError, match=field):
        _meeting(**overrides)


def test_a_feed_publishes_every_meeting_without_attendees_or_reminders() -> None:
    first = _meeting()
    moved = replace(
        first,
        uid="meeting-13@panel.example",
        starts_at=datetime(2026, 11, 12, 10, 0, tzinfo=LONDON),
        ends_at=datetime(2026, 11, 12, 12, 0, tzinfo=LONDON),
        cancelled=True,
    )
    next_year = replace(
        first,
        uid="meeting-14@panel.example",
        starts_at=datetime(2027, 1, 14, 10, 0, tzinfo=LONDON),
        ends_at=datetime(2027, 1, 14, 12, 0, tzinfo=LONDON),
    )
    raw = feed_ics("Northtown MARAC meetings", [first, moved, next_year])

    calendar = _icalendar(raw)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Northtown MARAC meetings"
    statuses = {str(event["UID"]): str(event["STATUS"]) for event in calendar.events}
    assert statuses == {
        "meeting-12@panel.example": "CONFIRMED",
        "meeting-13@panel.example": "CANCELLED",
        "meeting-14@panel.example": "CONFIRMED",
    }
    assert b"ATTENDEE" not in raw and b"VALARM" not in raw
    assert calendar.get_missing_tzids() == set()
    (timezone,) = calendar.timezones
    assert "2025-01-01 to 2029-01-01" in str(timezone["COMMENT"])

    parsed = _vobject(raw)
    assert len(parsed.vevent_list) == 3
    assert parsed.vevent_list[2].dtstart.value.astimezone(UTC) == datetime(
        2027, 1, 14, 10, 0, tzinfo=UTC
    )
