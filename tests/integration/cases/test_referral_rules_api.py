"""Referring a victim-perpetrator pair to a MARAC: the criteria, the age rule, and the
people and staff a referral names. A refused referral is a 4xx naming the field."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import act_as, acting_user_id, become, make_agency, make_user
from tests.support.calls import ok
from tests.support.cases import case_body, count_case_rows, make_case, make_person
from tests.support.panels import make_panel


def _refused(client: Any, panel_id: int, status: int = 422, **overrides: Any) -> Any:
    return ok(client.post("/api/cases", json=case_body(client, panel_id, **overrides)), status)


def test_a_referral_meeting_no_criterion_is_refused(client: Any) -> None:
    panel = make_panel(client)
    body = _refused(client, panel["id"], criteria=[])
    assert body["errors"][0]["field"] == "criteria"


def test_professional_judgement_needs_a_written_rationale(client: Any) -> None:
    panel = make_panel(client)
    criteria = [
        {"criterion": "visible_high_risk", "evidence": "DASH 16"},
        {"criterion": "professional_judgement", "evidence": "  \n "},
    ]
    body = _refused(client, panel["id"], criteria=criteria)
    assert body["errors"][0]["field"] == "criteria[1].evidence"
    case = make_case(
        client,
        panel["id"],
        dash_score=None,
        criteria=[
            {
                "criterion": "professional_judgement",
                "evidence": "Strangled last week; fears for life",
            }
        ],
    )
    assert case["criteria"][0]["criterion"] == "professional_judgement"


def test_visible_high_risk_is_judged_against_the_panels_dash_threshold(client: Any) -> None:
    strict, lenient = make_panel(client), make_panel(client, dash_threshold=12)
    assert make_case(client, lenient["id"], dash_score=12)["dash_score"] == 12
    body = _refused(client, strict["id"], dash_score=12)
    assert body["errors"][0]["field"] == "criteria[0].criterion"
    assert "14" in body["message"]
    assert _refused(client, lenient["id"], dash_score=11)["errors"][0]["field"] == (
        "criteria[0].criterion"
    )


def test_potential_escalation_needs_the_panels_number_of_incidents(client: Any) -> None:
    panel = make_panel(client, escalation_incidents=5)
    escalation = [{"criterion": "potential_escalation", "evidence": "Police log"}]
    body = _refused(
        client, panel["id"], dash_score=3, incidents_last_12_months=4, criteria=escalation
    )
    assert body["errors"][0]["field"] == "criteria[0].criterion"
    case = make_case(
        client, panel["id"], dash_score=3, incidents_last_12_months=5, criteria=escalation
    )
    assert case["criteria"][0]["criterion"] == "potential_escalation"


def test_where_only_police_reported_incidents_count_other_incidents_do_not(
    client: Any,
) -> None:
    panel = make_panel(client, escalation_police_only=True)
    escalation = [{"criterion": "potential_escalation", "evidence": "Police and GP records"}]
    body = _refused(
        client,
        panel["id"],
        dash_score=3,
        incidents_last_12_months=6,
        police_reported_incidents=2,
        criteria=escalation,
    )
    assert "police-reported" in body["message"]
    case = make_case(
        client,
        panel["id"],
        dash_score=3,
        incidents_last_12_months=6,
        police_reported_incidents=3,
        criteria=escalation,
    )
    assert case["police_reported_incidents"] == 3


def test_a_dash_score_outside_0_to_24_is_refused_naming_dash_score(client: Any) -> None:
    panel = make_panel(client)
    for score in (25, -1):
        body = _refused(client, panel["id"], status=400, dash_score=score)
        assert body["errors"][0]["field"] == "dash_score"
    assert make_case(client, panel["id"], dash_score=24)["dash_score"] == 24


def test_repeat_cannot_be_claimed_by_the_referrer(client: Any) -> None:
    panel = make_panel(client)
    criteria = [{"criterion": "repeat", "evidence": "Heard at MARAC last year"}]
    body = _refused(client, panel["id"], criteria=criteria)
    assert body["errors"][0]["field"] == "criteria[0].criterion"
    assert "previous_marac" in body["message"]


def test_cases_only_go_to_a_marac_panel(client: Any) -> None:
    perpetrator_panel = make_panel(client, kind="perpetrator_panel")
    assert _refused(client, perpetrator_panel["id"])["errors"][0]["field"] == "panel_id"
    # An unknown panel is one the coordinator cannot see: refused as a bad field.
    assert _refused(client, 9999)["errors"][0]["field"] == "panel_id"


def test_a_refused_referral_writes_nothing(client: Any) -> None:
    panel = make_panel(client)
    body = case_body(
        client,
        panel["id"],
        children=[{"date_of_birth": "2020-01-01", "school": "Hill Primary"}],
        victim_contact={"address": "1 Fictional Road", "postcode": "ZZ1 1ZZ"},
        perpetrator={"full_name": "Young Perpetrator", "date_of_birth": "2012-01-01"},
    )
    before = count_case_rows(client)
    ok(client.post("/api/cases", json=body), 422)
    body["perpetrator"]["date_of_birth"] = "1980-01-01"
    body["criteria"] = [{"criterion": "professional_judgement", "evidence": ""}]
    ok(client.post("/api/cases", json=body), 422)
    assert count_case_rows(client) == before


def test_a_victim_under_16_is_refused_with_the_route_for_a_child(client: Any) -> None:
    panel = make_panel(client)
    victim = {"full_name": "Young Victim", "date_of_birth": "2010-01-06"}
    body = _refused(client, panel["id"], victim=victim, referral_date="2026-01-05")
    assert body["errors"][0]["field"] == "victim.date_of_birth"
    assert "children's social care / the MASH" in body["message"]


def test_a_victim_sixteen_on_the_referral_date_is_accepted(client: Any) -> None:
    panel = make_panel(client)
    victim = {"full_name": "Sixteen Today", "date_of_birth": "2010-01-05"}
    case = make_case(client, panel["id"], victim=victim, referral_date="2026-01-05")
    assert case["victim"]["age_at_referral"] == 16


def test_a_perpetrator_under_16_is_refused_naming_the_field_used(client: Any) -> None:
    panel = make_panel(client)
    young = {"full_name": "Young Perpetrator", "date_of_birth": "2010-06-01"}
    body = _refused(client, panel["id"], perpetrator=young)
    assert body["errors"][0]["field"] == "perpetrator.date_of_birth"
    existing = make_person(client, date_of_birth="2010-06-01")
    body = _refused(client, panel["id"], perpetrator_id=existing["id"])
    assert body["errors"][0]["field"] == "perpetrator_id"


def test_an_unknown_date_of_birth_is_accepted(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(client, panel["id"], victim={"full_name": "Unknown Age"})
    assert case["victim"]["date_of_birth"] is None
    assert case["victim"]["age_at_referral"] is None


def test_the_victim_is_named_by_id_or_as_a_new_person_never_both(client: Any) -> None:
    panel = make_panel(client)
    existing = make_person(client)
    body = _refused(client, panel["id"], victim_id=existing["id"], victim={"full_name": "Both"})
    assert body["errors"][0]["field"] == "victim_id"
    body = case_body(client, panel["id"])
    del body["victim"]
    assert ok(client.post("/api/cases", json=body), 422)["errors"][0]["field"] == "victim_id"
    case = make_case(client, panel["id"], victim_id=existing["id"])
    assert case["victim"]["id"] == existing["id"]


def test_the_victim_and_perpetrator_cannot_be_one_person(client: Any) -> None:
    panel = make_panel(client)
    person = make_person(client)
    body = _refused(client, panel["id"], victim_id=person["id"], perpetrator_id=person["id"])
    assert body["errors"][0]["field"] == "perpetrator_id"


def test_missing_records_are_refused_naming_the_field(client: Any) -> None:
    panel = make_panel(client)
    # People are access-checked: one the referrer cannot see (or that does not exist) is a
    # 422 on the field, so a refusal never confirms that a person exists.
    for field, status in (
        ("referring_agency_id", 404),
        ("victim_id", 422),
        ("perpetrator_id", 422),
        ("assigned_idva_id", 404),
    ):
        body = _refused(client, panel["id"], status=status, **{field: 9999})
        assert body["errors"][0]["field"] == field


def test_the_assigned_idva_must_be_an_active_idva(client: Any) -> None:
    panel = make_panel(client)
    coordinator = acting_user_id(client)
    idva_service = make_agency(client, "idva_service", name="IDVA Service")
    idva = make_user(client, "idva", agency_id=idva_service["id"])
    chair = make_user(client, "chair")
    body = _refused(client, panel["id"], assigned_idva_id=chair["id"])
    assert body["errors"][0]["field"] == "assigned_idva_id"
    case = make_case(client, panel["id"], assigned_idva_id=idva["id"])
    assert case["assigned_idva_id"] == idva["id"]
    become(client, "administrator")
    ok(client.patch(f"/api/users/{idva['id']}", json={"active": False}))
    act_as(client, coordinator)
    body = ok(client.patch(f"/api/cases/{case['id']}", json={"assigned_idva_id": idva["id"]}), 422)
    assert body["errors"][0]["field"] == "assigned_idva_id"


def test_a_victim_not_aware_of_the_referral_needs_the_reason(client: Any) -> None:
    panel = make_panel(client)
    body = _refused(client, panel["id"], victim_aware=False)
    assert body["errors"][0]["field"] == "victim_not_aware_reason"
    case = make_case(
        client,
        panel["id"],
        victim_aware=False,
        victim_consented=False,
        victim_not_aware_reason="Perpetrator monitors her phone",
    )
    assert case["victim_aware"] is False


def test_lists_in_a_referral_are_capped(client: Any) -> None:
    panel = make_panel(client)
    body = _refused(client, panel["id"], status=400, children=[{}] * 21)
    assert body["errors"][0]["field"] == "children"
