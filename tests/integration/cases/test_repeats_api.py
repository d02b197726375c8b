"""Repeat referrals (domain.md §2.1 criterion 4): the same victim and perpetrator referred
again within the panel's window, under the current or the legacy definition."""

from __future__ import annotations

from typing import Any

from tests.support.calls import ok
from tests.support.cases import case_body, make_case, make_person
from tests.support.panels import make_panel

NO_OTHER_CRITERION: dict[str, Any] = {"criteria": [], "dash_score": 5}


def _pair(client: Any) -> dict[str, int]:
    return {
        "victim_id": make_person(client, date_of_birth="1991-01-01")["id"],
        "perpetrator_id": make_person(client, date_of_birth="1989-01-01")["id"],
    }


def test_a_referral_of_the_same_pair_within_the_window_is_a_repeat(client: Any) -> None:
    panel = make_panel(client)
    pair = _pair(client)
    first = make_case(client, panel["id"], referral_date="2026-01-05", **pair)
    again = make_case(
        client,
        panel["id"],
        referral_date="2026-06-01",
        incident_types=["child_contact_dispute"],
        **pair,
        **NO_OTHER_CRITERION,
    )
    assert again["is_repeat"] is True
    assert again["repeat_of_id"] == first["id"]
    [repeat] = again["criteria"]
    assert repeat["criterion"] == "repeat"
    assert first["reference"] in repeat["evidence"]
    listed = ok(client.get("/api/cases", params={"is_repeat": True}))
    assert [c["id"] for c in listed["items"]] == [again["id"]]


def test_the_day_exactly_window_months_later_is_still_a_repeat(client: Any) -> None:
    panel = make_panel(client)
    pair = _pair(client)
    make_case(client, panel["id"], referral_date="2025-03-02", **pair)
    again = make_case(client, panel["id"], referral_date="2026-03-02", **pair, **NO_OTHER_CRITERION)
    assert again["is_repeat"] is True


def test_the_day_after_the_window_is_a_new_referral_needing_its_own_criterion(
    client: Any,
) -> None:
    panel = make_panel(client)
    pair = _pair(client)
    make_case(client, panel["id"], referral_date="2025-03-02", **pair)
    body = case_body(client, panel["id"], referral_date="2026-03-03", **pair, **NO_OTHER_CRITERION)
    assert ok(client.post("/api/cases", json=body), 422)["errors"][0]["field"] == "criteria"
    new = make_case(client, panel["id"], referral_date="2026-03-03", **pair)
    assert (new["is_repeat"], new["repeat_of_id"]) == (False, None)
    assert [c["criterion"] for c in new["criteria"]] == ["visible_high_risk"]


def test_the_repeat_window_is_the_panels_setting(client: Any) -> None:
    panel = make_panel(client, repeat_window_months=6)
    pair = _pair(client)
    make_case(client, panel["id"], referral_date="2025-09-02", **pair)
    assert make_case(client, panel["id"], referral_date="2026-03-02", **pair)["is_repeat"]
    later = make_case(client, panel["id"], referral_date="2026-09-03", **pair)
    assert later["is_repeat"] is False


def test_a_repeat_is_measured_from_the_most_recent_earlier_referral(client: Any) -> None:
    panel = make_panel(client)
    pair = _pair(client)
    make_case(client, panel["id"], referral_date="2024-01-10", **pair)
    second = make_case(client, panel["id"], referral_date="2024-12-10", **pair)
    third = make_case(client, panel["id"], referral_date="2025-11-10", **pair, **NO_OTHER_CRITERION)
    assert third["repeat_of_id"] == second["id"]


def test_a_repeat_is_found_whichever_marac_heard_the_earlier_referral(client: Any) -> None:
    north, south = make_panel(client), make_panel(client)
    pair = _pair(client)
    first = make_case(client, north["id"], referral_date="2026-01-05", **pair)
    again = make_case(client, south["id"], referral_date="2026-02-05", **pair, **NO_OTHER_CRITERION)
    assert again["repeat_of_id"] == first["id"]


def test_another_perpetrator_against_the_same_victim_is_not_a_repeat(client: Any) -> None:
    panel = make_panel(client)
    pair = _pair(client)
    make_case(client, panel["id"], referral_date="2026-01-05", **pair)
    other = make_case(client, panel["id"], referral_date="2026-02-05", victim_id=pair["victim_id"])
    assert other["is_repeat"] is False


def test_under_the_legacy_definition_unwanted_contact_is_not_a_repeat(client: Any) -> None:
    panel = make_panel(client, repeat_definition="legacy")
    pair = _pair(client)
    make_case(client, panel["id"], referral_date="2026-01-05", **pair)
    body = case_body(
        client,
        panel["id"],
        referral_date="2026-02-05",
        incident_types=["unwanted_contact", "breach_of_bail_or_order"],
        **pair,
        **NO_OTHER_CRITERION,
    )
    assert ok(client.post("/api/cases", json=body), 422)["errors"][0]["field"] == "criteria"
    new = make_case(
        client,
        panel["id"],
        referral_date="2026-02-05",
        incident_types=["unwanted_contact"],
        **pair,
    )
    assert new["is_repeat"] is False


def test_under_the_legacy_definition_stalking_is_a_repeat(client: Any) -> None:
    panel = make_panel(client, repeat_definition="legacy")
    pair = _pair(client)
    make_case(client, panel["id"], referral_date="2026-01-05", **pair)
    again = make_case(
        client,
        panel["id"],
        referral_date="2027-01-05",
        incident_types=["unwanted_contact", "stalking_or_harassment"],
        **pair,
        **NO_OTHER_CRITERION,
    )
    assert again["is_repeat"] is True


def test_under_the_current_definition_unwanted_contact_is_a_repeat(client: Any) -> None:
    panel = make_panel(client)
    pair = _pair(client)
    make_case(client, panel["id"], referral_date="2026-01-05", **pair)
    again = make_case(
        client,
        panel["id"],
        referral_date="2026-02-05",
        incident_types=["unwanted_contact"],
        **pair,
        **NO_OTHER_CRITERION,
    )
    assert again["is_repeat"] is True
