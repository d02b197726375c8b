"""Perpetrator subjects (domain.md §3): eligibility, the decision, milestones and clocks."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import make_agency, make_user
from tests.support.calls import ok
from tests.support.cases import (
    audit_verbs,
    count_case_rows,
    make_case,
    make_person,
    make_subject,
    subject_body,
)
from tests.support.panels import make_panel


def _panel(client: Any, **settings: Any) -> Any:
    return make_panel(client, kind="perpetrator_panel", **settings)


def _case_manager(client: Any) -> Any:
    return make_user(
        client, "case_manager", agency_id=make_agency(client, "perpetrator_programme")["id"]
    )


def _decide(client: Any, subject_id: int, status: int = 200, **decision: Any) -> Any:
    return ok(
        client.post(f"/api/perpetrator-subjects/{subject_id}/decision", json=decision), status
    )


def _check(subject: Any, criterion: str) -> str:
    return next(c["result"] for c in subject["eligibility"] if c["criterion"] == criterion)


def test_an_eligible_referral_records_each_criterion(client: Any) -> None:
    panel = _panel(client)
    subject = make_subject(client, panel["id"])
    assert subject["reference"] == f"PS-{subject['id']:06d}"
    assert subject["status"] == "referred"
    assert subject["eligible"] is True
    assert [c["criterion"] for c in subject["eligibility"]] == [
        "victim_high_risk",
        "identified_as_high_risk",
        "personally_connected",
        "perpetrator_aged_16_or_over",
        "victims_aged_16_or_over",
    ]
    assert {c["result"] for c in subject["eligibility"]} == {"met"}
    assert ok(client.get(f"/api/perpetrator-subjects/{subject['id']}")) == subject
    assert audit_verbs(client, "perpetrator_subject", subject["id"]) == ["created", "viewed"]


def test_subjects_go_only_to_a_perpetrator_panel(client: Any) -> None:
    marac = make_panel(client)
    body = ok(client.post("/api/perpetrator-subjects", json=subject_body(client, marac["id"])), 422)
    assert body["errors"][0]["field"] == "panel_id"


def test_a_referral_with_no_connection_or_no_identification_is_ineligible(client: Any) -> None:
    panel = _panel(client)
    unconnected = make_subject(client, panel["id"], connection="none")
    assert unconnected["eligible"] is False
    assert _check(unconnected, "personally_connected") == "not_met"
    unidentified = make_subject(client, panel["id"], risk_identified_by=None)
    assert (unidentified["eligible"], unidentified["risk_identified_by"]) == (False, None)
    low_risk = make_subject(client, panel["id"], victim_high_risk=False)
    assert _check(low_risk, "victim_high_risk") == "not_met"


def test_a_victim_under_16_makes_the_referral_ineligible(client: Any) -> None:
    panel = _panel(client)
    child = make_person(client, date_of_birth="2010-03-03")
    subject = make_subject(client, panel["id"], victims=[{"victim_id": child["id"]}])
    assert subject["eligible"] is False
    assert _check(subject, "victims_aged_16_or_over") == "not_met"


def test_an_unknown_age_is_recorded_as_not_known(client: Any) -> None:
    panel = _panel(client)
    subject = make_subject(client, panel["id"], person={"full_name": "Age Unknown"})
    assert _check(subject, "perpetrator_aged_16_or_over") == "not_known"
    assert subject["eligible"] is True


def test_a_referral_must_link_at_least_one_existing_victim_and_a_refusal_writes_nothing(
    client: Any,
) -> None:
    panel = _panel(client)
    no_victims = subject_body(client, panel["id"], victims=[])
    missing = subject_body(client, panel["id"], victims=[{"victim_id": 9999}])
    before = count_case_rows(client)
    body = ok(client.post("/api/perpetrator-subjects", json=no_victims), 400)
    assert body["errors"][0]["field"] == "victims"
    body = ok(client.post("/api/perpetrator-subjects", json=missing), 422)
    assert body["errors"][0]["field"] == "victims[0].victim_id"
    # Nothing is written but the audit event of the refused reference to person 9999.
    after = count_case_rows(client)
    assert after == {**before, "audit_event": before["audit_event"] + 1}
    assert audit_verbs(client, "person", 9999) == ["refused"]


def test_a_linked_case_must_be_that_victims_case_against_this_perpetrator(client: Any) -> None:
    marac, panel = make_panel(client), _panel(client)
    case = make_case(client, marac["id"])
    victim, perpetrator = case["victim"]["id"], case["perpetrator"]["id"]
    linked = make_subject(
        client,
        panel["id"],
        person_id=perpetrator,
        victims=[{"victim_id": victim, "case_id": case["id"]}],
    )
    assert linked["victims"] == [{"victim_id": victim, "case_id": case["id"]}]
    stranger = make_person(client)
    wrong = subject_body(
        client,
        panel["id"],
        person_id=stranger["id"],
        victims=[{"victim_id": victim, "case_id": case["id"]}],
    )
    body = ok(client.post("/api/perpetrator-subjects", json=wrong), 422)
    assert body["errors"][0]["field"] == "victims[0].case_id"


def test_an_ineligible_referral_cannot_be_accepted(client: Any) -> None:
    panel = _panel(client)
    subject = make_subject(client, panel["id"], connection="none")
    manager = _case_manager(client)
    body = _decide(
        client,
        subject["id"],
        422,
        outcome="accept",
        pathway="engaging",
        case_manager_id=manager["id"],
    )
    assert body["errors"][0]["field"] == "outcome"
    declined = _decide(
        client, subject["id"], outcome="not_accept", reason="Not personally connected"
    )
    assert (declined["status"], declined["not_accepted_reason"]) == (
        "not_accepted",
        "Not personally connected",
    )


def test_an_eligible_referral_is_turned_down_only_if_evidenced_not_safe_or_not_appropriate(
    client: Any,
) -> None:
    panel = _panel(client)
    subject = make_subject(client, panel["id"])
    body = _decide(client, subject["id"], 422, outcome="not_accept", reason="Caseload is full")
    assert body["errors"][0]["field"] == "intervention_evidenced_as"
    body = _decide(
        client, subject["id"], 422, outcome="not_accept", intervention_evidenced_as="not_safe"
    )
    assert body["errors"][0]["field"] == "reason"
    declined = _decide(
        client,
        subject["id"],
        outcome="not_accept",
        intervention_evidenced_as="not_appropriate",
        reason="Serving a custodial sentence until 2029",
    )
    assert declined["status"] == "not_accepted"
    assert (declined["not_accepted_ground"], declined["not_accepted_reason"]) == (
        "not_appropriate",
        "Serving a custodial sentence until 2029",
    )
    _decide(client, subject["id"], 409, outcome="not_accept", reason="again")


def test_an_accepted_referral_needs_a_pathway_and_a_case_manager(client: Any) -> None:
    panel = _panel(client)
    subject = make_subject(client, panel["id"])
    manager = _case_manager(client)
    coordinator = make_user(client, "coordinator")
    body = _decide(client, subject["id"], 422, outcome="accept", case_manager_id=manager["id"])
    assert body["errors"][0]["field"] == "pathway"
    body = _decide(
        client,
        subject["id"],
        422,
        outcome="accept",
        pathway="engaging",
        case_manager_id=coordinator["id"],
    )
    assert body["errors"][0]["field"] == "case_manager_id"
    accepted = _decide(
        client,
        subject["id"],
        outcome="accept",
        pathway="disrupt_only",
        case_manager_id=manager["id"],
    )
    assert (accepted["status"], accepted["pathway"], accepted["case_manager_id"]) == (
        "accepted",
        "disrupt_only",
        manager["id"],
    )


def test_subjects_are_listed_by_panel_and_status(client: Any) -> None:
    first, second = _panel(client), _panel(client)
    referred = make_subject(client, first["id"])
    declined = make_subject(client, first["id"], connection="none")
    make_subject(client, second["id"])
    _decide(client, declined["id"], outcome="not_accept", reason="Not connected")
    page = ok(client.get("/api/perpetrator-subjects", params={"panel_id": first["id"]}))
    assert {s["id"] for s in page["items"]} == {referred["id"], declined["id"]}
    page = ok(
        client.get(
            "/api/perpetrator-subjects", params={"panel_id": first["id"], "status": "referred"}
        )
    )
    assert [s["id"] for s in page["items"]] == [referred["id"]]
    assert "full_name" not in str(page)
    ok(client.get("/api/perpetrator-subjects/9999"), 404)


def test_listing_subjects_costs_the_same_queries_however_many_there_are(client: Any) -> None:
    from panel_service.db import get_engine

    panel = _panel(client)
    engine = get_engine()

    def queries_to_list() -> int:
        before = engine.queries_run
        ok(client.get("/api/perpetrator-subjects"))
        return engine.queries_run - before

    make_subject(client, panel["id"])
    few = queries_to_list()
    for _ in range(4):
        make_subject(client, _panel(client)["id"])
    assert queries_to_list() == few


def test_missing_or_repeated_people_in_a_subject_referral_are_refused_naming_the_field(
    client: Any,
) -> None:
    panel = _panel(client)
    victim = make_person(client)
    # The panel and the person are access-checked: one the referrer cannot see (or that
    # does not exist) is a 422 on the field, so a refusal never confirms that it exists.
    for field, status in (("referring_agency_id", 404), ("person_id", 422), ("panel_id", 422)):
        body = {**subject_body(client, panel["id"]), field: 9999}
        if field == "person_id":
            del body["person"]
        refused = ok(client.post("/api/perpetrator-subjects", json=body), status)
        assert refused["errors"][0]["field"] == field
    twice = subject_body(
        client, panel["id"], victims=[{"victim_id": victim["id"]}, {"victim_id": victim["id"]}]
    )
    body = ok(client.post("/api/perpetrator-subjects", json=twice), 422)
    assert body["errors"][0]["field"] == "victims[1].victim_id"
    both = subject_body(client, panel["id"], person_id=victim["id"])
    both["person"] = {"full_name": "Also New"}
    assert ok(client.post("/api/perpetrator-subjects", json=both), 422)["errors"][0]["field"] == (
        "person_id"
    )
