"""Agencies, users and representatives through the API."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import make_agency, make_user
from tests.support.calls import ok


def test_creating_an_agency_returns_it_and_writes_an_audit_event(client: Any) -> None:
    agency = make_agency(client, "housing", name="Northtown Homes", secure_domains=["GOV.UK"])
    assert agency["name"] == "Northtown Homes"
    assert agency["secure_domains"] == ["gov.uk"]
    events = ok(client.get("/api/audit-events", params={"record_type": "agency"}))
    assert [e["verb"] for e in events["items"]] == ["created"]


def test_a_duplicate_agency_name_is_a_conflict_naming_the_field(client: Any) -> None:
    make_agency(client, name="Police Service")
    response = client.post(
        "/api/agencies", json={"name": "Police Service", "agency_type": "police"}
    )
    body = ok(response, 409)
    assert body["errors"] == [{"field": "name", "message": body["message"]}]


def test_an_unknown_agency_type_is_refused_naming_the_field(client: Any) -> None:
    body = ok(client.post("/api/agencies", json={"name": "X", "agency_type": "bakery"}), 400)
    assert body["code"] == "validation_failed"
    assert body["errors"][0]["field"] == "agency_type"


def test_a_name_with_a_line_break_is_refused(client: Any) -> None:
    response = client.post(
        "/api/agencies", json={"name": "Evil\r\nBcc: x@example.org", "agency_type": "police"}
    )
    assert ok(response, 400)["errors"][0]["field"] == "name"


def test_the_api_refuses_a_request_without_an_acting_user(app_client: Any) -> None:
    body = ok(app_client.get("/api/agencies"), 401)
    assert body["code"] == "not_authenticated"


def test_agency_lists_are_paginated(client: Any) -> None:
    for n in range(5):
        make_agency(client, name=f"Agency {n}")
    page = ok(client.get("/api/agencies", params={"limit": 2, "offset": 2}))
    assert [a["name"] for a in page["items"]] == ["Agency 2", "Agency 3"]
    assert page["total"] == 5
    assert (
        ok(client.get("/api/agencies", params={"limit": 100000}), 422)["errors"][0]["field"]
        == "limit"
    )


def test_deleting_an_agency_with_members_is_refused_and_keeps_everything(client: Any) -> None:
    agency = make_agency(client)
    make_user(client, "agency_representative", agency_id=agency["id"])
    ok(client.delete(f"/api/agencies/{agency['id']}"), 409)
    assert ok(client.get(f"/api/agencies/{agency['id']}"))["id"] == agency["id"]


def test_an_unused_agency_can_be_deleted(client: Any) -> None:
    agency = make_agency(client)
    ok(client.delete(f"/api/agencies/{agency['id']}"), 204)
    ok(client.get(f"/api/agencies/{agency['id']}"), 404)


def test_an_agency_representative_must_belong_to_an_agency(client: Any) -> None:
    body = ok(
        client.post(
            "/api/users",
            json={
                "email": "rep@police.example",
                "full_name": "Rep",
                "role": "agency_representative",
            },
        ),
        422,
    )
    assert body["errors"][0]["field"] == "agency_id"


def test_representatives_and_deputies_are_members_of_their_agency(client: Any) -> None:
    agency = make_agency(client)
    other = make_agency(client)
    rep = make_user(client, "agency_representative", agency_id=agency["id"])
    outsider = make_user(client, "agency_representative", agency_id=other["id"])
    url = f"/api/agencies/{agency['id']}/representatives"
    ok(client.post(url, json={"user_id": rep["id"], "kind": "representative"}), 201)
    assert ok(client.post(url, json={"user_id": outsider["id"]}), 422)["errors"][0]["field"] == (
        "user_id"
    )
    assert [r["user_id"] for r in ok(client.get(url))["items"]] == [rep["id"]]


def test_a_user_email_is_unique_whatever_its_case(client: Any) -> None:
    body = {"email": "Chair@Panel.example", "full_name": "Chair", "role": "chair"}
    ok(client.post("/api/users", json=body), 201)
    body["email"] = "chair@panel.example"
    assert ok(client.post("/api/users", json=body), 409)["errors"][0]["field"] == "email"
