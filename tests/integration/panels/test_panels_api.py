"""Panels, their settings, default agencies and schedule through the API."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import audit_events, become, make_agency
from tests.support.calls import ok
from tests.support.panels import make_panel


def test_a_panel_gets_the_national_defaults_for_settings_not_given(client: Any) -> None:
    panel = make_panel(client)
    assert panel["settings"] == {
        "dash_threshold": 14,
        "repeat_definition": "current",
        "repeat_window_months": 12,
        "escalation_incidents": 3,
        "escalation_window_months": 12,
        "escalation_police_only": False,
        "minutes_deadline_working_days": 3,
        "minutes_per_case": 10,
        "max_cases_per_meeting": 20,
        "research_working_days": 5,
        "nation": "ENG",
    }


def test_local_settings_can_be_changed_one_at_a_time(client: Any) -> None:
    panel = make_panel(client, dash_threshold=12, nation="WLS")
    updated = ok(
        client.patch(f"/api/panels/{panel['id']}", json={"settings": {"minutes_per_case": 15}})
    )
    assert updated["settings"]["minutes_per_case"] == 15
    assert updated["settings"]["dash_threshold"] == 12
    assert updated["settings"]["nation"] == "WLS"


def test_a_dash_threshold_outside_0_to_24_is_refused(client: Any) -> None:
    panel = make_panel(client)
    body = ok(
        client.patch(f"/api/panels/{panel['id']}", json={"settings": {"dash_threshold": 25}}), 400
    )
    assert "dash_threshold" in body["errors"][0]["field"]


def test_a_sitting_that_ends_before_it_starts_is_refused(client: Any) -> None:
    panel = make_panel(client)
    body = ok(client.patch(f"/api/panels/{panel['id']}", json={"end_time": "09:00:00"}), 422)
    assert body["errors"][0]["field"] == "end_time"


def test_default_invited_agencies_are_kept_and_replaced(client: Any) -> None:
    police, housing = make_agency(client), make_agency(client, "housing")
    panel = make_panel(client, agency_ids=[police["id"]])
    assert panel["invited_agency_ids"] == [police["id"]]
    updated = ok(
        client.patch(
            f"/api/panels/{panel['id']}", json={"invited_agency_ids": [housing["id"], police["id"]]}
        )
    )
    assert updated["invited_agency_ids"] == [housing["id"], police["id"]]
    body = ok(client.patch(f"/api/panels/{panel['id']}", json={"invited_agency_ids": [999]}), 422)
    assert body["errors"][0]["field"] == "invited_agency_ids"


def test_upcoming_sittings_follow_the_schedule(client: Any) -> None:
    panel = make_panel(client)
    sittings = ok(
        client.get(
            f"/api/panels/{panel['id']}/sittings",
            params={"after": "2026-03-10T00:00:00Z", "count": 2},
        )
    )
    assert [s["starts_at"] for s in sittings] == [
        "2026-03-19T10:00:00Z",
        "2026-04-02T10:00:00+01:00",
    ]


def _panel_body(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "marac",
        "area": "Southtown",
        "recurrence_rule": "FREQ=WEEKLY;INTERVAL=4;BYDAY=TU",
        "first_date": "2026-01-06",
        "start_time": "09:30:00",
        "end_time": "12:30:00",
        "venue": "Southtown Police Station",
    }


def test_only_administrators_set_up_panels(client: Any) -> None:
    """Coordinators change the panels they run; setting one up is for administrators."""
    agency = make_agency(client)
    for role in ("coordinator", "chair", "service_manager", "agency_representative"):
        user = become(client, role, agency_id=agency["id"] if role != "coordinator" else None)
        ok(client.post("/api/panels", json=_panel_body(f"A {role}'s own panel")), 403)
        refused = audit_events(client, actor_id=user["id"])
        assert [(e["verb"], e["record_type"]) for e in refused] == [("refused", "panel")]
    assert ok(client.get("/api/panels"))["total"] == 0


def test_an_administrator_sets_up_a_panel_with_no_staff_yet(client: Any) -> None:
    become(client, "administrator")
    panel = ok(client.post("/api/panels", json=_panel_body("Southtown MARAC")), 201)
    assert [p["name"] for p in ok(client.get("/api/panels"))["items"]] == ["Southtown MARAC"]
    assert ok(client.get(f"/api/panels/{panel['id']}/staff"))["total"] == 0


def test_a_coordinator_changes_only_the_panels_they_run(client: Any) -> None:
    mine = make_panel(client)
    become(client, "administrator")
    theirs = make_panel(client, minutes_per_case=10)
    coordinator = become(client, "coordinator")
    body = {"settings": {"minutes_per_case": 30}}
    assert ok(client.get(f"/api/panels/{theirs['id']}"))["id"] == theirs["id"]  # open to read
    ok(client.patch(f"/api/panels/{theirs['id']}", json=body), 403)
    ok(client.patch(f"/api/panels/{mine['id']}", json=body), 403)
    assert ok(client.get(f"/api/panels/{theirs['id']}"))["settings"]["minutes_per_case"] == 10
    refused = audit_events(client, record_type="panel", actor_id=coordinator["id"])
    assert [(e["verb"], e["record_id"]) for e in refused] == [
        ("refused", mine["id"]),
        ("refused", theirs["id"]),
    ]


def test_a_chair_on_the_staff_runs_the_panel_but_does_not_change_it(client: Any) -> None:
    become(client, "chair")
    panel = make_panel(client)  # the chair is on its staff
    ok(client.patch(f"/api/panels/{panel['id']}", json={"venue": "Elsewhere"}), 403)
    assert ok(client.get(f"/api/panels/{panel['id']}"))["venue"] == "Civic Centre, Room 4"
    become(client, "administrator")
    assert ok(client.patch(f"/api/panels/{panel['id']}", json={"venue": "Elsewhere"}))["venue"] == (
        "Elsewhere"
    )
