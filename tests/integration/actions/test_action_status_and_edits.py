"""Reporting an action's outcome, its status history, and editing it while it is open."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support.accounts import audit_events, make_agency, make_user
from tests.support.actions import (
    action_row_counts,
    call_service,
    make_action,
    set_status,
    sitting_marac_listing,
)
from tests.support.calls import ok


def _action_events(client: Any, action_id: int) -> list[Any]:
    return audit_events(client, record_type="action", record_id=action_id)


def test_the_two_not_completed_outcomes_are_told_apart_and_each_needs_a_note(
    client: Any,
) -> None:
    listing = sitting_marac_listing(client)
    changed, not_done = make_action(client, listing["id"]), make_action(client, listing["id"])
    for action, outcome in (
        (changed, "not_completed_circumstances_changed"),
        (not_done, "not_completed_not_done"),
    ):
        body = {"status": outcome, "note": "  "}
        response = client.post(f"/api/actions/{action['id']}/status", json=body)
        assert ok(response, 422)["errors"][0]["field"] == "note"
    set_status(client, changed["id"], "not_completed_circumstances_changed", "She moved abroad")
    set_status(client, not_done["id"], "not_completed_not_done", "No officer was assigned")

    def ids_with(status: str) -> list[int]:
        page = ok(client.get("/api/actions", params={"status": status}))
        return [a["id"] for a in page["items"]]

    assert ids_with("not_completed_circumstances_changed") == [changed["id"]]
    assert ids_with("not_completed_not_done") == [not_done["id"]]
    detail = ok(client.get(f"/api/actions/{not_done['id']}"))
    assert detail["outcome_note"] == "No officer was assigned"


def test_a_refused_status_report_writes_nothing(client: Any) -> None:
    listing = sitting_marac_listing(client)
    action = make_action(client, listing["id"])
    body = {"status": "not_completed_not_done"}
    ok(client.post(f"/api/actions/{action['id']}/status", json=body), 422)
    ok(client.post(f"/api/actions/{action['id']}/status", json={"status": "open"}), 409)
    assert action_row_counts(client) == (1, 1)
    assert ok(client.get(f"/api/actions/{action['id']}"))["status"] == "open"
    assert [e["verb"] for e in _action_events(client, action["id"])] == ["viewed", "created"]


def test_reporting_the_same_status_again_is_a_conflict(client: Any) -> None:
    listing = sitting_marac_listing(client)
    action = make_action(client, listing["id"])
    set_status(client, action["id"], "completed")
    response = client.post(f"/api/actions/{action['id']}/status", json={"status": "completed"})
    assert ok(response, 409)["errors"][0]["field"] == "status"


def test_status_history_is_written_in_order_with_who_changed_it(client: Any) -> None:
    listing = sitting_marac_listing(client)
    action = make_action(client, listing["id"])
    set_status(client, action["id"], "not_completed_not_done", "Waiting for a visit slot")
    set_status(client, action["id"], "open", "Reopened: the visit is now booked")
    set_status(client, action["id"], "completed", "Visited on 10 December")
    history = ok(client.get(f"/api/actions/{action['id']}"))["history"]
    assert [(h["from_status"], h["to_status"], h["note"]) for h in history] == [
        (None, "open", ""),
        ("open", "not_completed_not_done", "Waiting for a visit slot"),
        ("not_completed_not_done", "open", "Reopened: the visit is now booked"),
        ("open", "completed", "Visited on 10 December"),
    ]
    assert {h["changed_by_name"] for h in history} == {"Coral Coordinator"}


def test_reopening_needs_a_note_and_clears_the_closing_date(client: Any) -> None:
    listing = sitting_marac_listing(client)
    action = make_action(client, listing["id"])
    set_status(client, action["id"], "completed", "Locks changed")
    response = client.post(f"/api/actions/{action['id']}/status", json={"status": "open"})
    assert ok(response, 422)["errors"][0]["field"] == "note"
    reopened = set_status(client, action["id"], "open", "The locks were forced again")
    assert (reopened["status"], reopened["closed_on"], reopened["outcome_note"]) == (
        "open",
        None,
        "",
    )


def test_a_closed_outcome_is_dated_the_day_it_is_reported(client: Any) -> None:
    from panel_service.actions.schemas import ActionStatusUpdate
    from panel_service.actions.services import set_action_status
    from panel_service.actions.tables import ActionStatus

    listing = sitting_marac_listing(client)
    action = make_action(client, listing["id"])
    report = ActionStatusUpdate(status=ActionStatus.COMPLETED, note="Marker placed")
    done = call_service(client, set_action_status, action["id"], report, date(2026, 12, 20))
    assert done.closed_on == date(2026, 12, 20)
    assert done.outcome_note == "Marker placed"


def test_status_reports_are_audited_without_their_notes(client: Any) -> None:
    listing = sitting_marac_listing(client)
    action = make_action(client, listing["id"])
    set_status(client, action["id"], "completed", "Marker placed on the address")
    set_status(client, action["id"], "open", "Marker removed in error")
    events = _action_events(client, action["id"])
    assert [(e["verb"], e["detail"]) for e in events] == [
        ("reopened", {"from": "completed", "to": "open"}),
        ("completed", {"from": "open", "to": "completed"}),
        ("created", {"listing_id": listing["id"], "agency_id": action["agency_id"]}),
    ]


def test_editing_an_open_action_is_audited_with_the_changed_fields(client: Any) -> None:
    listing = sitting_marac_listing(client)
    agency = make_agency(client)
    officer = make_user(client, "agency_representative", agency["id"], full_name="PC Cat Cole")
    action = make_action(client, listing["id"], agency_id=agency["id"])
    changes = {
        "description": action["description"],  # unchanged: not reported as a change
        "due_date": "2026-12-24",
        "owner_id": officer["id"],
    }
    edited = ok(client.patch(f"/api/actions/{action['id']}", json=changes))
    assert (edited["due_date"], edited["owner_id"], edited["owner_name"]) == (
        "2026-12-24",
        officer["id"],
        "PC Cat Cole",
    )
    updated = _action_events(client, action["id"])[0]
    assert (updated["verb"], updated["detail"]) == (
        "updated",
        {"fields": ["due_date", "owner_id", "owner_name"]},
    )


def test_an_edit_keeps_the_smart_rules(client: Any) -> None:
    listing = sitting_marac_listing(client, starts_at="2026-12-03T10:00:00Z")
    action = make_action(client, listing["id"])
    outsider = make_user(client, "agency_representative", make_agency(client)["id"])
    url = f"/api/actions/{action['id']}"
    for change, field in (
        ({"description": "Soon"}, "description"),
        ({"due_date": "2026-12-02"}, "due_date"),
        ({"owner_id": outsider["id"]}, "owner_id"),
    ):
        assert ok(client.patch(url, json=change), 422)["errors"][0]["field"] == field
    assert ok(client.get(url))["due_date"] == action["due_date"]


def test_editing_a_closed_action_is_refused(client: Any) -> None:
    listing = sitting_marac_listing(client)
    action = make_action(client, listing["id"])
    set_status(client, action["id"], "not_completed_circumstances_changed", "Moved away")
    body = {"description": "Police to visit the new address"}
    ok(client.patch(f"/api/actions/{action['id']}", json=body), 409)
    assert ok(client.get(f"/api/actions/{action['id']}"))["description"] == action["description"]


def test_an_unknown_action_is_not_found(client: Any) -> None:
    ok(client.get("/api/actions/9999"), 404)
    ok(client.patch("/api/actions/9999", json={"due_date": "2026-12-24"}), 404)
    ok(client.post("/api/actions/9999/status", json={"status": "completed"}), 404)
