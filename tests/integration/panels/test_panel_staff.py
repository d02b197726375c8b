"""Panel staff: the coordinators and chairs who run each panel."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import make_agency, make_user
from tests.support.calls import ok
from tests.support.panels import make_panel


def test_coordinators_and_chairs_are_added_listed_and_removed(client: Any) -> None:
    panel = make_panel(client)
    url = f"/api/panels/{panel['id']}/staff"
    chair = make_user(client, "chair", full_name="Chris Chair")
    coordinator = make_user(client, "coordinator")
    for user in (chair, coordinator):
        ok(client.post(url, json={"user_id": user["id"]}), 201)
    staff = ok(client.get(url))
    assert [(s["user_id"], s["role"]) for s in staff["items"]] == [
        (chair["id"], "chair"),
        (coordinator["id"], "coordinator"),
    ]
    ok(client.delete(f"{url}/{chair['id']}"), 204)
    assert [s["user_id"] for s in ok(client.get(url))["items"]] == [coordinator["id"]]
    ok(client.delete(f"{url}/{chair['id']}"), 404)


def test_only_active_coordinators_and_chairs_can_run_a_panel(client: Any) -> None:
    panel = make_panel(client)
    url = f"/api/panels/{panel['id']}/staff"
    idva = make_user(client, "idva", agency_id=make_agency(client, "idva_service")["id"])
    assert ok(client.post(url, json={"user_id": idva["id"]}), 422)["errors"][0]["field"] == (
        "user_id"
    )
    chair = make_user(client, "chair")
    ok(client.patch(f"/api/users/{chair['id']}", json={"active": False}))
    ok(client.post(url, json={"user_id": chair["id"]}), 422)
    assert ok(client.get(url))["total"] == 0


def test_a_person_is_on_a_panels_staff_once_and_changes_are_audited(client: Any) -> None:
    panel = make_panel(client)
    url = f"/api/panels/{panel['id']}/staff"
    chair = make_user(client, "chair")
    ok(client.post(url, json={"user_id": chair["id"]}), 201)
    assert ok(client.post(url, json={"user_id": chair["id"]}), 409)["errors"][0]["field"] == (
        "user_id"
    )
    events = ok(
        client.get("/api/audit-events", params={"record_type": "panel", "record_id": panel["id"]})
    )
    assert [e["verb"] for e in events["items"]][:1] == ["staff_added"]
