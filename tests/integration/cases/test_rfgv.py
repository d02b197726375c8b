"""RFG-V (domain.md §3): a versioned, replaceable calculation that stores its inputs,
recorded at entry and at exit; success is a fall in the score."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.support.calls import ok
from tests.support.cases import audit_verbs, make_subject
from tests.support.panels import make_panel

HIGH = {
    "days_since_last_incident": 10,
    "incidents_last_12_months": 6,
    "most_serious_gravity": 4,
    "victims": 2,
}
LOWER = {**HIGH, "days_since_last_incident": 200, "incidents_last_12_months": 1}


def _subject(client: Any) -> Any:
    return make_subject(client, make_panel(client, kind="perpetrator_panel")["id"])


def _record(client: Any, subject_id: int, stage: str, inputs: Any, status: int = 201) -> Any:
    body = {"stage": stage, "assessed_on": "2026-04-01", "inputs": inputs}
    return ok(client.post(f"/api/perpetrator-subjects/{subject_id}/rfgv", json=body), status)


def test_entry_and_exit_scores_keep_their_inputs_and_show_the_change(client: Any) -> None:
    subject = _subject(client)
    entry = _record(client, subject["id"], "entry", HIGH)["entry"]
    # The illustrative weights: 2 x recency (5) + frequency (6) + 3 x gravity + 4 x victims.
    assert (entry["score"], entry["calculation_version"]) == (2 * 5 + 6 + 12 + 8, "illustrative-1")
    assert entry["inputs"] == HIGH
    both = _record(client, subject["id"], "exit", LOWER)
    assert (both["exit"]["score"], both["change"]) == (2 * 3 + 1 + 12 + 8, 27 - 36)
    shown = ok(client.get(f"/api/perpetrator-subjects/{subject['id']}"))["rfgv"]
    assert shown == both
    assert audit_verbs(client, "perpetrator_subject", subject["id"]).count("rfgv_recorded") == 2


def test_each_stage_is_recorded_once_and_the_exit_needs_an_entry(client: Any) -> None:
    subject = _subject(client)
    assert _record(client, subject["id"], "exit", HIGH, 409)["errors"][0]["field"] == "stage"
    _record(client, subject["id"], "entry", HIGH)
    assert _record(client, subject["id"], "entry", LOWER, 409)["errors"][0]["field"] == "stage"


def test_an_assessment_before_the_referral_is_refused(client: Any) -> None:
    subject = _subject(client)
    body = {"stage": "entry", "assessed_on": "2025-01-01", "inputs": HIGH}
    refused = ok(client.post(f"/api/perpetrator-subjects/{subject['id']}/rfgv", json=body), 422)
    assert refused["errors"][0]["field"] == "assessed_on"


@pytest.mark.parametrize(
    ("field", "value"),
    [("most_serious_gravity", 6), ("victims", 0), ("days_since_last_incident", -1)],
)
def test_inputs_out_of_range_are_refused_naming_the_field(
    client: Any, field: str, value: int
) -> None:
    subject = _subject(client)
    body = {"stage": "entry", "assessed_on": "2026-04-01", "inputs": {**HIGH, field: value}}
    refused = ok(client.post(f"/api/perpetrator-subjects/{subject['id']}/rfgv", json=body), 400)
    assert field in refused["errors"][0]["field"]


class _ForceWeights:
    version = "force-x-2026"

    def score(self, inputs: Any) -> int:
        return 100 * inputs.victims


FORCE_WEIGHTS = _ForceWeights()


def test_a_force_installs_its_own_calculation_by_setting(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from panel_service.cases import rfgv
    from panel_service.settings import get_settings

    force = "tests.integration.cases.test_rfgv:FORCE_WEIGHTS"
    replaced = dataclasses.replace(get_settings(), rfgv_calculation=force)
    monkeypatch.setattr(rfgv, "get_settings", lambda: replaced)
    subject = _subject(client)
    entry = _record(client, subject["id"], "entry", HIGH)["entry"]
    assert (entry["score"], entry["calculation_version"]) == (200, "force-x-2026")
