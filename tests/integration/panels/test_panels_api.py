"""Panels, their settings, default agencies and schedule through the API."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import make_agency
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
