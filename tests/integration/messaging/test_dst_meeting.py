"""A meeting on the day the UK clocks change, through the whole email flow.

Nothing in the domain keeps a meeting off a Sunday: a panel's schedule is a rule that
suggests sittings, and a coordinator may create or move a sitting to any day and time (the
service only refuses a meeting that ends before it starts). So the meeting is created for
10:00 UK time on the change day itself — Sunday 28 March 2027 (the clocks went forward at
01:00 UTC, 10:00 is BST) and Sunday 31 October 2027 (back at 01:00 UTC, 10:00 is GMT) —
and then moved across the change to the Thursday before, still at 10:00 UK time.

Every invite is read with icalendar and with vobject (both resolve the TZID by name), and
its own VTIMEZONE is read with dateutil's ``tzical``, as a client without a zone database
would: a VTIMEZONE that misses the change (a bounded range that ends too early, a wrong
rule) shows as the wrong offset on the day.
The email's stated day and time must be the invite's local time; the research deadline is
the working day before (Good Friday, 26 March 2027, is an English bank holiday)."""

from __future__ import annotations

import email
import io
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from email import policy
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject
from dateutil.tz import tzical
from icalendar import Calendar

from tests.integration.messaging.conftest import outbox, publish
from tests.support.calls import ok
from tests.support.reminder_sweeps import scheduled_meetings

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Sitting:
    local: datetime  # naive UK wall-clock start
    utc: datetime
    offset: timedelta  # UK offset from UTC at the start
    day: str  # as the email states it
    research_deadline: str


CHANGES = {
    "spring": (
        Sitting(
            datetime(2027, 3, 28, 10),
            datetime(2027, 3, 28, 9, tzinfo=UTC),
            timedelta(hours=1),
            "Sunday 28 March 2027",
            "Thursday 25 March 2027",  # Friday 26 March is Good Friday
        ),
        Sitting(
            datetime(2027, 3, 25, 10),
            datetime(2027, 3, 25, 10, tzinfo=UTC),
            timedelta(0),
            "Thursday 25 March 2027",
            "Wednesday 24 March 2027",
        ),
    ),
    "autumn": (
        Sitting(
            datetime(2027, 10, 31, 10),
            datetime(2027, 10, 31, 10, tzinfo=UTC),
            timedelta(0),
            "Sunday 31 October 2027",
            "Friday 29 October 2027",
        ),
        Sitting(
            datetime(2027, 10, 28, 10),
            datetime(2027, 10, 28, 9, tzinfo=UTC),
            timedelta(hours=1),
            "Thursday 28 October 2027",
            "Wednesday 27 October 2027",
        ),
    ),
}


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Received:
    recipient: str
    text: str
    html: str
    subject: str
    calendars: list[bytes]


def _text(parsed: EmailMessage, subtype: str) -> str:
    body = parsed.get_body(preferencelist=(subtype,))
    assert body is not None, f"no text/{subtype} part"
    return str(body.get_content())


def _read(server: Any, start: int, count: int) -> list[Received]:
    readings = []
    for message in server.wait_for(start + count)[start:]:
        parsed = email.message_from_bytes(message.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        readings.append(
            Received(
                recipient=message.rcpt_tos[0],
                text=_text(parsed, "plain"),
                html=_text(parsed, "html"),
                subject=str(parsed["Subject"]),
                calendars=[
                    bytes(part.get_payload(decode=True))
                    for part in parsed.walk()
                    if part.get_content_type() in ("text/calendar", "application/ics")
                ],
            )
        )
    return readings


def _own_zone(calendar: Calendar) -> tzinfo:
    """The invite's VTIMEZONE for Europe/London, as dateutil reads it (no zone database)."""
    zones = [zone for zone in calendar.walk("VTIMEZONE") if zone["TZID"] == "Europe/London"]
    assert len(zones) == 1
    zone = tzical(io.StringIO(zones[0].to_ical().decode())).get("Europe/London")
    assert zone is not None
    return zone


def _check_invite(ics: bytes, sitting: Sitting, sequence: int, uid: str | None) -> str:
    """The invite starts at the sitting's UK time, read by both parsers and by its own
    VTIMEZONE; returns its UID."""
    calendar = Calendar.from_ical(ics)
    own = sitting.local.replace(tzinfo=_own_zone(calendar))
    assert own.utcoffset() == sitting.offset
    assert own.astimezone(UTC) == sitting.utc
    assert str(calendar["METHOD"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    start = event.decoded("DTSTART")
    assert start.replace(tzinfo=None) == sitting.local
    assert start.utcoffset() == sitting.offset
    assert start.astimezone(UTC) == sitting.utc
    end = event.decoded("DTEND")
    assert end.astimezone(LONDON).replace(tzinfo=None) == sitting.local.replace(hour=13)
    assert int(str(event["SEQUENCE"])) == sequence
    if uid is not None:
        assert str(event["UID"]) == uid
    card = vobject.readOne(ics.decode())
    assert card.method.value == "REQUEST"
    independent = card.vevent.dtstart.value
    assert independent.replace(tzinfo=None) == sitting.local
    assert independent.utcoffset() == sitting.offset
    assert independent.astimezone(UTC) == sitting.utc
    assert card.vevent.uid.value == str(event["UID"])
    assert int(card.vevent.sequence.value) == sequence
    return str(event["UID"])


def _check_body(received: Received, sitting: Sitting, ics: bytes) -> None:
    local = Calendar.from_ical(ics).walk("VEVENT")[0].decoded("DTSTART")
    stated = f"{sitting.day}, {local:%H:%M} to 13:00"
    assert f"When: {stated}" in received.text, received.text
    assert stated in received.html
    assert f"{local:%H:%M}" == f"{sitting.local:%H:%M}"
    assert sitting.day in received.subject
    assert f"Research deadline: {sitting.research_deadline}" in received.text


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_meeting_on_a_clock_change_day_and_its_move_across_the_change(
    dispatch: Any, change: str
) -> None:
    client = dispatch.client
    first, moved = CHANGES[change]
    panel_id = scheduled_meetings(client)[0]["panel"]
    meeting = ok(
        client.post("/api/meetings", json={"panel_id": panel_id, "starts_at": _z(first.utc)}),
        201,
    )
    assert meeting["starts_at"].startswith(first.utc.strftime("%Y-%m-%dT%H:%M"))
    publish(client, meeting["id"])
    invited = len(outbox(client, meeting=meeting["id"], channel="email"))
    assert invited
    dispatch()
    uid = None
    for received in _read(dispatch.server, 0, invited):
        assert received.calendars, received.recipient
        for invite in received.calendars:  # inline, and invite.ics where attached
            uid = _check_invite(invite, first, 0, uid)
            _check_body(received, first, invite)
            # The VTIMEZONE changes the clocks on this very day: before 01:00 UTC, the
            # other offset.
            zone = _own_zone(Calendar.from_ical(invite))
            small_hours = datetime.combine(first.local.date(), time(0, 30), tzinfo=zone)
            assert small_hours.utcoffset() == timedelta(hours=1) - first.offset
    ok(client.post(f"/api/meetings/{meeting['id']}/reschedule", json={"starts_at": _z(moved.utc)}))
    assert len(outbox(client, meeting=meeting["id"], kind="meeting_updated")) == invited
    dispatch()
    for received in _read(dispatch.server, invited, invited):
        assert received.calendars, received.recipient
        for invite in received.calendars:
            _check_invite(invite, moved, 1, uid)
            _check_body(received, moved, invite)
