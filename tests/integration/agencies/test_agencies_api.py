"""Agencies, users and representatives through the API (administrators manage them)."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import audit_events, become, make_agency, make_user
from tests.support.calls import ok


def test_creating_an_agency_returns_it_and_writes_an_audit_event(client: Any) -> None:
    admin = become(client, "administrator")
    body = {"name": "Northtown Homes", "agency_type": "housing", "secure_domains": ["GOV.UK"]}
    agency = ok(client.post("/api/agencies", json=body), 201)
    assert agency["name"] == "Northtown Homes"
    assert agency["secure_domains"] == ["gov.uk"]
    events = ok(client.get("/api/audit-events", params={"record_type": "agency"}))
    assert [(e["verb"], e["record_id"], e["actor_id"]) for e in events["items"]] == [
        ("created", agency["id"], admin["id"])
    ]


def test_a_duplicate_agency_name_is_a_conflict_naming_the_field(client: Any) -> None:
    become(client, "administrator")
    make_agency(client, name="Police Service")
    response = client.post(
        "/api/agencies", json={"name": "Police Service", "agency_type": "police"}
    )
    body = ok(response, 409)
    assert body["errors"] == [{"field": "name", "message": body["message"]}]


def test_an_unknown_agency_type_is_refused_naming_the_field(client: Any) -> None:
    become(client, "administrator")
    body = ok(client.post("/api/agencies", json={"name": "X", "agency_type": "bakery"}), 400)
    assert body["code"] == "validation_failed"
    assert body["errors"][0]["field"] == "agency_type"


def test_a_name_with_a_line_break_is_refused(client: Any) -> None:
    become(client, "administrator")
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


def test_only_administrators_create_change_or_delete_agencies(client: Any) -> None:
    agency = make_agency(client, name="Riverside Homes")
    url = f"/api/agencies/{agency['id']}"
    for role in ("coordinator", "chair", "idva", "agency_representative"):
        user = become(client, role, agency_id=agency["id"] if role != "coordinator" else None)
        assert ok(client.get(url))["name"] == "Riverside Homes"  # everyone may read them
        ok(client.post("/api/agencies", json={"name": "New", "agency_type": "police"}), 403)
        ok(client.patch(url, json={"name": "Renamed"}), 403)
        ok(client.delete(url), 403)
        refused = audit_events(client, actor_id=user["id"])
        assert [e["verb"] for e in refused] == ["refused"] * 3
    become(client, "administrator")
    assert ok(client.get("/api/agencies"))["total"] == 1
    assert ok(client.get(url))["name"] == "Riverside Homes"


def test_deleting_an_agency_with_members_is_refused_and_keeps_everything(client: Any) -> None:
    become(client, "administrator")
    agency = make_agency(client)
    make_user(client, "agency_representative", agency_id=agency["id"])
    ok(client.delete(f"/api/agencies/{agency['id']}"), 409)
    assert ok(client.get(f"/api/agencies/{agency['id']}"))["id"] == agency["id"]


def test_an_unused_agency_can_be_deleted(client: Any) -> None:
    become(client, "administrator")
    agency = make_agency(client)
    ok(client.delete(f"/api/agencies/{agency['id']}"), 204)
    ok(client.get(f"/api/agencies/{agency['id']}"), 404)


def test_an_agency_representative_must_belong_to_an_agency(client: Any) -> None:
    become(client, "administrator")
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
    become(client, "administrator")
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


def test_only_administrators_name_an_agencys_representatives(client: Any) -> None:
    agency = make_agency(client)
    rep = make_user(client, "agency_representative", agency_id=agency["id"])
    url = f"/api/agencies/{agency['id']}/representatives"
    ok(client.post(url, json={"user_id": rep["id"]}), 403)  # the coordinator
    become(client, "agency_representative", agency_id=agency["id"])
    ok(client.post(url, json={"user_id": rep["id"]}), 403)
    assert ok(client.get(url))["total"] == 0


def test_a_user_email_is_unique_whatever_its_case(client: Any) -> None:
    become(client, "administrator")
    body = {"email": "Chair@Panel.example", "full_name": "Chair", "role": "chair"}
    ok(client.post("/api/users", json=body), 201)
    body["email"] = "chair@panel.example"
    assert ok(client.post("/api/users", json=body), 409)["errors"][0]["field"] == "email"


def test_only_administrators_create_users(client: Any) -> None:
    body = {"email": "new.chair@panel.example", "full_name": "New Chair", "role": "chair"}
    for role in ("coordinator", "chair", "service_manager"):
        become(client, role)
        ok(client.post("/api/users", json=body), 403)
    assert [u["email"] for u in ok(client.get("/api/users"))["items"]].count(body["email"]) == 0


def test_who_sees_which_users(client: Any) -> None:
    agency = make_agency(client, "idva_service")
    colleague = make_user(client, "idva", agency_id=agency["id"])
    for role in ("administrator", "coordinator", "chair", "service_manager"):
        become(client, role)
        assert ok(client.get(f"/api/users/{colleague['id']}"))["id"] == colleague["id"]
    me = become(client, "idva", agency_id=agency["id"])
    assert [u["id"] for u in ok(client.get("/api/users"))["items"]] == [me["id"]]
    assert ok(client.get(f"/api/users/{me['id']}"))["id"] == me["id"]
    ok(client.get(f"/api/users/{colleague['id']}"), 404)
    assert audit_events(client, record_type="user", record_id=colleague["id"])[0]["verb"] == (
        "refused"
    )
