"""Fields a client may not set are refused by name, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.accounts import audit_events, become, make_agency, make_user
from tests.support.calls import ok, on_app_loop
from tests.support.cases import make_case
from tests.support.panels import make_panel


def _user_row(client: Any, user_id: int) -> dict[str, Any]:
    """The user's whole row, as stored (not as the API shows it)."""
    from panel_service.db import fetch

    return on_app_loop(client, fetch, "SELECT * FROM app_user WHERE id = {}", user_id)[0]


@pytest.mark.parametrize(
    "extra",
    [
        {"is_admin": True},
        {"password_hash": "x"},
        {"totp_enabled": False},
        {"demo_account": True},
        {"id": 999},
        {"email": "someone.else@panel.example"},
        {"permissions": ["actions:report"]},
    ],
)
def test_a_user_cannot_be_given_fields_outside_the_update(
    client: Any, extra: dict[str, Any]
) -> None:
    user = make_user(client, "chair", full_name="Chris Chair")
    become(client, "administrator")  # the one role that changes users
    before = _user_row(client, user["id"])
    body = {"full_name": "Chris Renamed", **extra}
    response = client.patch(f"/api/users/{user['id']}", json=body)
    assert ok(response, 400)["errors"][0]["field"] == next(iter(extra))
    assert _user_row(client, user["id"]) == before
    assert ok(client.get(f"/api/users/{user['id']}"))["full_name"] == "Chris Chair"


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"role": "agency_representative"}, 422, "agency_id"),
        ({"role": "agency_representative", "agency_id": None}, 422, "agency_id"),
        ({"agency_id": 9999}, 404, "agency_id"),
        ({"role": "superuser"}, 400, "role"),
        ({"role": "administrator", "is_admin": True}, 400, "is_admin"),
    ],
)
def test_an_administrator_cannot_give_a_user_an_invalid_role_or_agency(
    client: Any, change: dict[str, Any], status: int, field: str
) -> None:
    user = make_user(client, "chair", full_name="Chris Chair")
    become(client, "administrator")
    before = _user_row(client, user["id"])
    response = client.patch(f"/api/users/{user['id']}", json=change)
    assert ok(response, status)["errors"][0]["field"] == field
    assert _user_row(client, user["id"]) == before
    assert [e["verb"] for e in audit_events(client, record_type="user", record_id=user["id"])] == [
        "created"
    ]


def test_a_role_or_agency_change_by_an_administrator_is_recorded(client: Any) -> None:
    agency = make_agency(client, "idva_service")
    user = make_user(client, "chair", full_name="Chris Chair")
    admin = become(client, "administrator")
    changed = ok(
        client.patch(f"/api/users/{user['id']}", json={"role": "idva", "agency_id": agency["id"]})
    )
    assert (changed["role"], changed["agency_id"]) == ("idva", agency["id"])
    event = audit_events(client, record_type="user", record_id=user["id"])[0]
    assert (event["verb"], event["actor_id"], event["detail"]) == (
        "updated",
        admin["id"],
        {"fields": ["agency", "role"]},
    )


@pytest.mark.parametrize(
    "change",
    [
        {"role": "administrator"},
        {"agency_id": None},
        {"active": False},
        {"full_name": "Chris Renamed"},
    ],
)
@pytest.mark.parametrize("role", ["coordinator", "chair", "service_manager"])
def test_only_administrators_patch_users(client: Any, role: str, change: dict[str, Any]) -> None:
    agency = make_agency(client, "idva_service")
    user = make_user(client, "idva", agency_id=agency["id"], full_name="Imani Idva")
    actor = become(client, role)
    before = _user_row(client, user["id"])
    assert ok(client.patch(f"/api/users/{user['id']}", json=change), 403)["code"] == "forbidden"
    assert _user_row(client, user["id"]) == before
    [refused] = audit_events(client, actor_id=actor["id"])
    assert (refused["verb"], refused["record_type"], refused["record_id"]) == (
        "refused",
        "user",
        user["id"],
    )
    assert refused["detail"] == {"right": "manage", "status": 403}


@pytest.mark.parametrize("role", ["idva", "agency_representative", "case_manager"])
def test_a_user_cannot_raise_their_own_role_or_move_agency(client: Any, role: str) -> None:
    agency, other = make_agency(client, "idva_service"), make_agency(client)
    me = become(client, role, agency_id=agency["id"])
    before = _user_row(client, me["id"])
    for change in ({"role": "administrator"}, {"agency_id": other["id"]}, {"active": True}):
        ok(client.patch(f"/api/users/{me['id']}", json=change), 403)
    assert _user_row(client, me["id"]) == before
    colleague = make_user(client, "coordinator")
    ok(client.patch(f"/api/users/{colleague['id']}", json={"role": "idva"}), 404)
    assert _user_row(client, colleague["id"])["role"] == "coordinator"


@pytest.mark.parametrize(
    "extra",
    [
        {"dash_score": 2},
        {"panel_id": 99},
        {"victim_id": 1},
        {"is_repeat": True},
        {"reference": "MC-999999"},
        {"agency_id": 1},
    ],
)
def test_a_case_cannot_be_given_fields_outside_the_update(
    client: Any, extra: dict[str, Any]
) -> None:
    case = make_case(client, make_panel(client)["id"])
    body = {"relationship": "changed", **extra}
    assert ok(client.patch(f"/api/cases/{case['id']}", json=body), 400)["errors"][0][
        "field"
    ] == next(iter(extra))
    after = ok(client.get(f"/api/cases/{case['id']}"))
    assert (after["relationship"], after["dash_score"], after["is_repeat"]) == (
        case["relationship"],
        case["dash_score"],
        case["is_repeat"],
    )


def test_an_agency_cannot_be_given_an_id_or_a_creation_time(client: Any) -> None:
    become(client, "administrator")  # who changes agencies
    agency = make_agency(client, name="Riverside Homes")
    for extra in ({"id": 42}, {"created_at": "2020-01-01T00:00:00Z"}):
        response = client.patch(f"/api/agencies/{agency['id']}", json={"name": "X", **extra})
        assert ok(response, 400)["errors"][0]["field"] == next(iter(extra))
    assert ok(client.get(f"/api/agencies/{agency['id']}"))["name"] == "Riverside Homes"
