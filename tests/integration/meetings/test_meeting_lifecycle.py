"""Meetings: scheduling, rescheduling, the lifecycle, cancellation and minutes deadlines."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import audit_events, make_agency
from tests.support.calls import ok
from tests.support.cases import make_case
from tests.support.meetings import list_case, make_meeting, move, record_voice
from tests.support.panels import make_panel


def test_a_new_meeting_invites_the_panels_default_agencies(client: Any) -> None:
    police, housing = make_agency(client), make_agency(client, "housing")
    panel = make_panel(client, agency_ids=[police["id"], housing["id"]])
    meeting = make_meeting(client, panel["id"])
    attendance = ok(client.get(f"/api/meetings/{meeting['id']}/attendance"))["items"]
    assert {(a["agency_id"], a["status"]) for a in attendance} == {
        (police["id"], "invited"),
        (housing["id"], "invited"),
    }


def test_a_meeting_without_an_end_takes_the_panels_end_time_in_local_time(client: Any) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"], starts_at="2026-07-02T10:00:00+01:00")
    assert meeting["ends_at"] == "2026-07-02T12:00:00Z"  # 13:00 BST


def test_a_naive_start_time_is_refused_naming_the_field(client: Any) -> None:
    panel = make_panel(client)
    response = client.post(
        "/api/meetings", json={"panel_id": panel["id"], "starts_at": "2026-07-02T10:00:00"}
    )
    assert ok(response, 422)["errors"][0]["field"] == "starts_at"


def test_the_lifecycle_runs_in_order_and_refuses_skipped_steps(client: Any) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    url = f"/api/meetings/{meeting['id']}"
    assert ok(client.post(f"{url}/approve-minutes"), 409)["code"] == "conflict"
    statuses = [
        move(client, meeting["id"], verb)["status"]
        for verb in ("publish-agenda", "start", "close", "approve-minutes", "circulate-minutes")
    ]
    assert statuses == [
        "agenda_published",
        "in_session",
        "minutes_drafted",
        "minutes_approved",
        "minutes_circulated",
    ]
    ok(client.post(f"{url}/cancel", json={"reason": "too late"}), 409)


def test_rescheduling_keeps_the_meeting_and_its_listings(client: Any) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    case = make_case(client, panel["id"])
    listing = list_case(client, meeting["id"], case["id"])
    moved = ok(
        client.post(
            f"/api/meetings/{meeting['id']}/reschedule",
            json={"starts_at": "2026-12-10T10:00:00Z", "venue": "Town Hall"},
        )
    )
    assert moved["id"] == meeting["id"]
    assert moved["starts_at"] == "2026-12-10T10:00:00Z"
    assert moved["venue"] == "Town Hall"
    listings = ok(client.get(f"/api/meetings/{meeting['id']}/listings"))["items"]
    assert [entry["id"] for entry in listings] == [listing["id"]]


def test_a_meeting_that_has_sat_cannot_be_rescheduled(client: Any) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    move(client, meeting["id"], "publish-agenda", "start")
    response = client.post(
        f"/api/meetings/{meeting['id']}/reschedule", json={"starts_at": "2026-12-10T10:00:00Z"}
    )
    ok(response, 409)


def test_cancelling_needs_a_reason_and_no_cases_left_listed(client: Any) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    listing = list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    url = f"/api/meetings/{meeting['id']}/cancel"
    assert ok(client.post(url, json={"reason": ""}), 400)["errors"][0]["field"] == "reason"
    ok(client.post(url, json={"reason": "Bank holiday"}), 409)
    assert ok(client.get(f"/api/meetings/{meeting['id']}"))["status"] == "scheduled"
    ok(client.post(f"/api/listings/{listing['id']}/outcome", json={"outcome": "withdrawn"}))
    cancelled = ok(client.post(url, json={"reason": "Bank holiday"}))
    assert (cancelled["status"], cancelled["cancelled_reason"]) == ("cancelled", "Bank holiday")


def test_minutes_are_due_three_working_days_after_skipping_easter(client: Any) -> None:
    england = make_panel(client)
    scotland = make_panel(client, nation="SCT")
    # Thursday 2 April 2026: Good Friday and (in England) Easter Monday do not count.
    starts = "2026-04-02T10:00:00+01:00"
    assert make_meeting(client, england["id"], starts)["minutes_due_on"] == "2026-04-09"
    assert make_meeting(client, scotland["id"], starts)["minutes_due_on"] == "2026-04-08"


def test_meetings_are_created_from_the_schedule_once(client: Any) -> None:
    panel = make_panel(client)
    body = {"panel_id": panel["id"], "until": "2027-01-31"}
    created = ok(client.post("/api/meetings/from-schedule", json=body), 201)
    assert created, "the schedule gives fortnightly sittings up to the date"
    assert all(m["starts_at"].endswith("10:00:00Z") for m in created)  # GMT in winter
    assert ok(client.post("/api/meetings/from-schedule", json=body), 201) == []
    listed = ok(client.get("/api/meetings", params={"panel_id": panel["id"], "limit": 200}))
    assert listed["total"] == len(created)


def test_meetings_are_listed_by_panel_and_status(client: Any) -> None:
    panel, other = make_panel(client), make_panel(client)
    first = make_meeting(client, panel["id"], "2026-12-03T10:00:00Z")
    make_meeting(client, panel["id"], "2026-12-17T10:00:00Z")
    make_meeting(client, other["id"])
    move(client, first["id"], "publish-agenda")
    page = ok(client.get("/api/meetings", params={"panel_id": panel["id"]}))
    assert page["total"] == 2
    published = ok(client.get("/api/meetings", params={"status": "agenda_published"}))
    assert [m["id"] for m in published["items"]] == [first["id"]]


def test_lifecycle_changes_are_audited(client: Any) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    case = make_case(client, panel["id"])
    record_voice(client, list_case(client, meeting["id"], case["id"])["id"])
    move(client, meeting["id"], "publish-agenda")
    events = audit_events(client, record_type="meeting", record_id=meeting["id"])
    assert [e["verb"] for e in events] == ["agenda_published", "created"]
