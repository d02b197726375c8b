"""Cases after referral: what a case shows (and never shows), reading, updating,
children and lists."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import make_agency, make_user
from tests.support.calls import ok
from tests.support.cases import audit_verbs, make_case
from tests.support.panels import make_panel


def test_a_valid_referral_creates_a_case_with_an_opaque_reference(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(
        client,
        panel["id"],
        children=[{"date_of_birth": "2019-04-02", "relationship_to_victim": "daughter"}],
    )
    assert case["reference"] == f"MC-{case['id']:06d}"
    assert case["panel_id"] == panel["id"]
    assert case["victim"]["age_at_referral"] == 35
    assert case["perpetrator"]["serial_perpetrator"] is False
    assert case["dash_score"] == 16
    assert case["is_repeat"] is False
    assert case["status"] == "open"
    assert case["children_count"] == 1
    assert case["children"][0]["relationship_to_victim"] == "daughter"
    assert case["criteria"] == [{"criterion": "visible_high_risk", "evidence": "DASH 16/24"}]
    assert ok(client.get(f"/api/cases/{case['id']}")) == case


def test_restricted_fields_never_appear_in_case_responses(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(
        client,
        panel["id"],
        children=[{"date_of_birth": "2019-04-02", "school": "Secret Hill Primary"}],
        victim_contact={
            "address": "7 Hidden Lane",
            "postcode": "ZZ9 9ZZ",
            "phone": "07700 900123",
            "safe_times": "Tuesdays only",
            "feared_people": "Her brother",
        },
    )
    child = ok(
        client.post(f"/api/cases/{case['id']}/children", json={"school": "Other Secret School"}),
        201,
    )
    responses = [
        str(case),
        str(child),
        client.get(f"/api/cases/{case['id']}").text,
        client.get("/api/cases").text,
        client.get(f"/api/people/{case['victim']['id']}").text,
        client.get("/api/people").text,
        client.patch(f"/api/cases/{case['id']}", json={"relationship": "spouse"}).text,
    ]
    for secret in (
        "Secret Hill Primary",
        "Other Secret School",
        "Hidden Lane",
        "ZZ9 9ZZ",
        "07700",
        "Tuesdays",
        "brother",
        "school",
    ):
        assert not any(secret in text for text in responses), secret


def test_reading_a_case_is_audited(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(client, panel["id"])
    ok(client.get(f"/api/cases/{case['id']}"))
    ok(client.get(f"/api/cases/{case['id']}"))
    assert audit_verbs(client, "case", case["id"]) == ["created", "viewed", "viewed"]


def test_a_case_can_be_updated_but_its_dash_score_cannot_be_patched(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(client, panel["id"])
    updated = ok(
        client.patch(
            f"/api/cases/{case['id']}",
            json={"status": "closed", "previous_marac": "Southtown MARAC, May 2025"},
        )
    )
    assert (updated["status"], updated["previous_marac"]) == ("closed", "Southtown MARAC, May 2025")
    body = ok(client.patch(f"/api/cases/{case['id']}", json={"dash_score": 2}), 400)
    assert body["errors"][0]["field"] == "dash_score"
    assert ok(client.get(f"/api/cases/{case['id']}"))["dash_score"] == 16
    assert ok(client.patch("/api/cases/9999", json={"status": "closed"}), 404)


def test_children_are_added_to_a_case_and_counted(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(client, panel["id"])
    child = ok(
        client.post(
            f"/api/cases/{case['id']}/children",
            json={"date_of_birth": "2021-09-09", "relationship_to_perpetrator": "son"},
        ),
        201,
    )
    read = ok(client.get(f"/api/cases/{case['id']}"))
    assert read["children_count"] == 1
    assert read["children"] == [child]
    ok(client.post("/api/cases/9999/children", json={}), 404)


def test_cases_are_listed_newest_first_with_filters_and_without_names(client: Any) -> None:
    north, south = make_panel(client), make_panel(client)
    idva_service = make_agency(client, "idva_service")
    idva = make_user(client, "idva", agency_id=idva_service["id"])
    january = make_case(client, north["id"], referral_date="2026-01-05")
    february = make_case(
        client, north["id"], referral_date="2026-02-05", assigned_idva_id=idva["id"]
    )
    march = make_case(client, south["id"], referral_date="2026-03-05", children=[{}, {}])
    ok(client.patch(f"/api/cases/{january['id']}", json={"status": "closed"}))

    def ids(**params: Any) -> list[int]:
        return [c["id"] for c in ok(client.get("/api/cases", params=params))["items"]]

    assert ids() == [march["id"], february["id"], january["id"]]
    assert ids(panel_id=north["id"]) == [february["id"], january["id"]]
    assert ids(status="closed") == [january["id"]]
    assert ids(assigned_idva_id=idva["id"]) == [february["id"]]
    assert ids(referred_from="2026-02-01", referred_to="2026-02-28") == [february["id"]]
    assert ids(is_repeat=False, limit=1, offset=1) == [february["id"]]
    page = ok(client.get("/api/cases", params={"panel_id": south["id"]}))
    assert page["total"] == 1
    assert page["items"][0]["children_count"] == 2
    assert page["items"][0]["reference"] == march["reference"]
    assert march["victim"]["full_name"] not in str(page)


def test_listing_cases_costs_the_same_queries_however_many_there_are(client: Any) -> None:
    from panel_service.db import get_engine

    panel = make_panel(client)
    engine = get_engine()

    def queries_to_list() -> int:
        before = engine.queries_run
        ok(client.get("/api/cases"))
        return engine.queries_run - before

    make_case(client, panel["id"], children=[{}])
    few = queries_to_list()
    for _ in range(4):
        make_case(client, panel["id"], children=[{}, {}])
    assert queries_to_list() == few
