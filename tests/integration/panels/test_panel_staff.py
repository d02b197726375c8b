"""Panel staff: the coordinators and chairs who run each panel (administrators name them;
a coordinator may also staff the panels they run)."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import audit_events, become, make_agency, make_user
from tests.support.calls import ok
from tests.support.panels import make_panel


def test_coordinators_and_chairs_are_added_listed_and_removed(client: Any) -> None:
    become(client, "administrator")
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
    become(client, "administrator")
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


def test_service_managers_run_perpetrator_panels_only(client: Any) -> None:
    become(client, "administrator")
    manager = make_user(client, "service_manager", agency_id=make_agency(client)["id"])
    marac = make_panel(client)
    perpetrator = make_panel(client, kind="perpetrator_panel")
    refused = client.post(f"/api/panels/{marac['id']}/staff", json={"user_id": manager["id"]})
    assert ok(refused, 422)["errors"][0]["field"] == "user_id"
    ok(client.post(f"/api/panels/{perpetrator['id']}/staff", json={"user_id": manager["id"]}), 201)


def test_a_person_is_on_a_panels_staff_once_and_changes_are_audited(client: Any) -> None:
    admin = become(client, "administrator")
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
    latest = events["items"][0]
    assert (latest["verb"], latest["detail"], latest["actor_id"]) == (
        "staff_added",
        {"user_id": chair["id"]},
        admin["id"],
    )


def test_a_coordinator_staffs_only_the_panels_they_run(client: Any) -> None:
    mine = make_panel(client)  # the acting coordinator is on its staff
    chair = make_user(client, "chair")
    ok(client.post(f"/api/panels/{mine['id']}/staff", json={"user_id": chair["id"]}), 201)

    become(client, "administrator")
    theirs = make_panel(client)
    coordinator = become(client, "coordinator")
    url = f"/api/panels/{theirs['id']}/staff"
    assert ok(client.get(url))["total"] == 0  # panels and their staff are open to read
    ok(client.post(url, json={"user_id": coordinator["id"]}), 403)
    ok(client.post(url, json={"user_id": chair["id"]}), 403)
    ok(client.delete(f"/api/panels/{mine['id']}/staff/{chair['id']}"), 403)
    assert ok(client.get(url))["total"] == 0
    refused = audit_events(client, record_type="panel", actor_id=coordinator["id"])
    assert [(e["verb"], e["detail"]["status"]) for e in refused] == [("refused", 403)] * 3


def test_chairs_and_other_roles_cannot_change_a_panels_staff(client: Any) -> None:
    become(client, "administrator")
    panel = make_panel(client)
    coordinator = make_user(client, "coordinator")
    url = f"/api/panels/{panel['id']}/staff"
    ok(client.post(url, json={"user_id": coordinator["id"]}), 201)
    agency = make_agency(client)
    for role in ("chair", "service_manager", "idva", "agency_representative", "case_manager"):
        become(client, role, agency_id=agency["id"] if role != "chair" else None)
        ok(client.post(url, json={"user_id": coordinator["id"]}), 403)
        ok(client.delete(f"{url}/{coordinator['id']}"), 403)
    become(client, "administrator")
    assert [s["user_id"] for s in ok(client.get(url))["items"]] == [coordinator["id"]]
