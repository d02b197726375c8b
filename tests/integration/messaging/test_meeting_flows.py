"""Rescheduling and cancelling tell everyone who had the invite (same UID, SEQUENCE + 1,
METHOD:CANCEL); minutes go to each agency with its extract and actions list; a listing
changed after publication re-issues the affected agencies' extracts. Every invite is read
back with icalendar and with vobject (an independent parser)."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email import policy
from typing import Any

import vobject
from icalendar import Calendar

from tests.integration.messaging.conftest import SECURE, next_meeting, outbox, publish
from tests.support.calls import ok, on_app_loop
from tests.support.transports import AfterEachSend


def _calendar_parts(received: Any) -> list[bytes]:
    parsed = email.message_from_bytes(received.content, policy=policy.default)
    return [
        p.get_payload(decode=True) for p in parsed.walk() if p.get_content_type() == "text/calendar"
    ]


def _invites(server: Any, count: int) -> list[tuple[Any, Any]]:
    """(icalendar, vobject) readings of the first calendar part of each message."""
    readings = []
    for received in server.wait_for(count):
        ics = _calendar_parts(received)[0]
        readings.append((Calendar.from_ical(ics), vobject.readOne(ics.decode())))
    return readings


async def _meetings(status: str) -> list[dict[str, Any]]:
    from panel_service.meetings.tables import Meeting

    return await Meeting.select().where(Meeting.status == status).order_by(Meeting.starts_at)


def test_rescheduling_sends_the_same_uid_with_the_next_sequence(dispatch: Any) -> None:
    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    invited = len(outbox(dispatch.client, meeting=meeting["id"], channel="email"))
    dispatch()
    first = _invites(dispatch.server, invited)
    moved = (meeting["starts_at"] + timedelta(days=7)).astimezone(UTC)
    ok(
        dispatch.client.post(
            f"/api/meetings/{meeting['id']}/reschedule",
            json={"starts_at": moved.isoformat().replace("+00:00", "Z")},
        )
    )
    updates = outbox(dispatch.client, meeting=meeting["id"], kind="meeting_updated")
    assert len(updates) == invited
    dispatch()
    readings = _invites(dispatch.server, invited * 2)[invited:]
    uid = str(first[0][0].walk("VEVENT")[0]["UID"])
    for calendar, card in readings:
        event = calendar.walk("VEVENT")[0]
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == uid
        assert int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART").astimezone(UTC) == moved
        assert card.vevent.dtstart.value.astimezone(UTC) == moved
        assert card.vevent.uid.value == uid


async def _move(meeting_id: int, starts_at: datetime) -> None:
    from panel_service.accounts.actor import SYSTEM
    from panel_service.meetings.schemas import MeetingReschedule
    from panel_service.meetings.services import reschedule_meeting

    await reschedule_meeting(SYSTEM, meeting_id, MeetingReschedule(starts_at))


def test_a_meeting_moved_while_its_agenda_is_being_sent_is_sent_at_its_new_time(
    dispatch: Any,
) -> None:
    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    invited = len(outbox(dispatch.client, meeting=meeting["id"], channel="email"))
    moved = (meeting["starts_at"] + timedelta(days=7)).astimezone(UTC)

    async def move_after_the_first_send(count: int, result: Any) -> None:
        if count == 1:
            await _move(meeting["id"], moved)

    real = dispatch.dispatcher().mail
    # Small batches: the updates are claimed by the same run, batches after the agenda's.
    dispatch(dispatch.dispatcher(transport=AfterEachSend(real, move_after_the_first_send), batch=3))
    updates = outbox(dispatch.client, meeting=meeting["id"], kind="meeting_updated")
    assert len(updates) == invited and {u["status"] for u in updates} == {"sent"}
    update_ids = {u["message_id"] for u in updates}
    received = dispatch.server.wait_for(invited * 2)
    moved_invites = [
        Calendar.from_ical(_calendar_parts(r)[0])
        for r in received
        if email.message_from_bytes(r.content)["Message-ID"] in update_ids
    ]
    assert len(moved_invites) == invited
    for calendar in moved_invites:
        event = calendar.walk("VEVENT")[0]
        assert int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART").astimezone(UTC) == moved


def test_cancelling_sends_method_cancel_to_everyone_who_had_the_invite(dispatch: Any) -> None:
    empty = on_app_loop(dispatch.client, _meetings, "scheduled")[-1]
    publish(dispatch.client, empty["id"])
    invited = len(outbox(dispatch.client, meeting=empty["id"], channel="email"))
    assert invited
    dispatch()
    ok(dispatch.client.post(f"/api/meetings/{empty['id']}/cancel", json={"reason": "Venue shut"}))
    cancellations = outbox(dispatch.client, meeting=empty["id"], kind="meeting_cancelled")
    assert sorted(c["recipient"] for c in cancellations) == sorted(
        r["recipient"]
        for r in outbox(dispatch.client, meeting=empty["id"], kind="agenda_published")
    )
    dispatch()
    for calendar, card in _invites(dispatch.server, invited * 2)[invited:]:
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
        assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1
        assert card.method.value == "CANCEL"


def test_invites_carry_no_names_or_case_details(dispatch: Any) -> None:
    from panel_service.cases.tables import Person

    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    count = len(outbox(dispatch.client, meeting=meeting["id"], channel="email"))
    dispatch()
    names = [p["full_name"] for p in on_app_loop(dispatch.client, lambda: Person.select())]
    for calendar, _ in _invites(dispatch.server, count):
        text = calendar.to_ical().decode()
        assert not [name for name in names if name in text]
        assert "MARAC" in str(calendar.walk("VEVENT")[0]["SUMMARY"])


def test_a_case_withdrawn_after_publication_reissues_the_affected_extracts(
    dispatch: Any,
) -> None:
    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    dispatch()
    listings = ok(dispatch.client.get(f"/api/meetings/{meeting['id']}/listings"))["items"]
    listing = next(item for item in listings if item["case_id"])
    ok(
        dispatch.client.post(
            f"/api/listings/{listing['id']}/outcome", json={"outcome": "withdrawn"}
        )
    )
    reissued = outbox(dispatch.client, meeting=meeting["id"], kind="agenda_reissued")
    published = outbox(dispatch.client, meeting=meeting["id"], kind="agenda_published")
    assert reissued, "no agency extract was re-issued"
    assert len(reissued) < len(published), "only the agencies party to the case"
    dispatch()
    assert {r["status"] for r in outbox(dispatch.client, kind="agenda_reissued")} == {"sent"}


def test_circulating_minutes_sends_each_agency_its_extract_and_actions(dispatch: Any) -> None:
    drafted = on_app_loop(dispatch.client, _meetings, "minutes_drafted")
    assert drafted, "the demo has a meeting whose minutes are drafted"
    meeting_id = drafted[0]["id"]
    ok(dispatch.client.post(f"/api/meetings/{meeting_id}/approve-minutes"))
    ok(dispatch.client.post(f"/api/meetings/{meeting_id}/circulate-minutes"))
    rows = outbox(dispatch.client, meeting=meeting_id, kind="minutes_circulated")
    assert rows
    dispatch()
    for received in dispatch.server.wait_for(len(rows)):
        parsed = email.message_from_bytes(received.content, policy=policy.default)
        names = [p.get_filename() for p in parsed.walk() if p.get_filename()]
        if received.rcpt_tos[0].endswith(tuple(SECURE.split(","))):
            assert any("minutes" in n for n in names) and any("actions" in n for n in names)
        else:
            assert names == []


def test_closing_a_meeting_sends_each_owner_agency_its_new_actions_with_links(
    dispatch: Any,
) -> None:
    from tests.support.actions import make_action

    meeting = next_meeting(dispatch.client)
    publish(dispatch.client, meeting["id"])
    ok(dispatch.client.post(f"/api/meetings/{meeting['id']}/start"))
    listings = ok(dispatch.client.get(f"/api/meetings/{meeting['id']}/listings"))["items"]
    police = ok(dispatch.client.get("/api/agencies", params={"limit": 100}))["items"]
    agency = next(a for a in police if a["agency_type"] == "police")
    make_action(
        dispatch.client,
        listings[0]["id"],
        agency_id=agency["id"],
        due_date=(datetime.now(UTC).date() + timedelta(days=30)).isoformat(),
    )
    ok(dispatch.client.post(f"/api/meetings/{meeting['id']}/close"))
    agreed = outbox(dispatch.client, kind="actions_agreed")
    assert agreed and all(row["agency"] == agency["id"] for row in agreed)
    dispatch()
    parsed = email.message_from_bytes(dispatch.server.received[-1].content, policy=policy.default)
    assert "/actions/respond/" in parsed.get_body(preferencelist=("plain",)).get_content()
