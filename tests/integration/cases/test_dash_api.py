"""DASH assessments: the case's score is the latest assessment, raised but never lowered."""

from __future__ import annotations

from typing import Any

from tests.support.calls import ok
from tests.support.cases import make_case
from tests.support.panels import make_panel


def _assess(client: Any, case_id: int, score: int, status: int = 201) -> Any:
    return ok(
        client.post(
            f"/api/cases/{case_id}/dash-assessments",
            json={"score": score, "assessed_on": "2026-02-01"},
        ),
        status,
    )


def test_the_referral_score_is_the_first_assessment(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(client, panel["id"], dash_score=16)
    [first] = ok(client.get(f"/api/cases/{case['id']}/dash-assessments"))["items"]
    assert (first["score"], first["assessed_on"]) == (16, case["referral_date"])


def test_an_equal_or_higher_score_is_recorded_and_becomes_the_cases_score(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(client, panel["id"], dash_score=16)
    _assess(client, case["id"], 16)
    recorded = _assess(client, case["id"], 19)
    assert recorded["score"] == 19
    assert recorded["recorded_by_id"] is not None
    assert ok(client.get(f"/api/cases/{case['id']}"))["dash_score"] == 19
    scores = [
        a["score"] for a in ok(client.get(f"/api/cases/{case['id']}/dash-assessments"))["items"]
    ]
    assert scores == [16, 16, 19]


def test_a_lower_score_is_refused_and_changes_nothing(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(client, panel["id"], dash_score=16)
    body = _assess(client, case["id"], 15, status=422)
    assert body["errors"][0]["field"] == "score"
    assert "raised" in body["message"] and "never lowered" in body["message"]
    assert ok(client.get(f"/api/cases/{case['id']}"))["dash_score"] == 16
    assert len(ok(client.get(f"/api/cases/{case['id']}/dash-assessments"))["items"]) == 1


def test_a_case_referred_without_a_score_takes_its_first_assessment(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(
        client,
        panel["id"],
        dash_score=None,
        criteria=[{"criterion": "professional_judgement", "evidence": "Threats to kill"}],
    )
    assert ok(client.get(f"/api/cases/{case['id']}/dash-assessments"))["items"] == []
    _assess(client, case["id"], 0)
    assert ok(client.get(f"/api/cases/{case['id']}"))["dash_score"] == 0


def test_an_assessment_outside_0_to_24_or_of_a_missing_case_is_refused(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(client, panel["id"])
    assert _assess(client, case["id"], 25, status=400)["errors"][0]["field"] == "score"
    _assess(client, 9999, 20, status=404)
    ok(client.get("/api/cases/9999/dash-assessments"), 404)
