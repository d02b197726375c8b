"""Fields a client may not set are refused by name, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.accounts import make_agency, make_user
from tests.support.calls import ok
from tests.support.cases import make_case
from tests.support.panels import make_panel


@pytest.mark.parametrize(
    "extra",
    [
        {"is_admin": True},
        {"password_hash": "x"},
        {"totp_enabled": False},
        {"demo_account": True},
        {"id": 999},
        {"email": "someone.else@panel.example"},
    ],
)
def test_a_user_cannot_be_given_fields_outside_the_update(
    client: Any, extra: dict[str, Any]
) -> None:
    user = make_user(client, "chair", full_name="Chris Chair")
    body = {"full_name": "Chris Renamed", **extra}
    response = client.patch(f"/api/users/{user['id']}", json=body)
    assert ok(response, 400)["errors"][0]["field"] == next(iter(extra))
    assert ok(client.get(f"/api/users/{user['id']}"))["full_name"] == "Chris Chair"


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
    agency = make_agency(client, name="Riverside Homes")
    for extra in ({"id": 42}, {"created_at": "2020-01-01T00:00:00Z"}):
        response = client.patch(f"/api/agencies/{agency['id']}", json={"name": "X", **extra})
        assert ok(response, 400)["errors"][0]["field"] == next(iter(extra))
    assert ok(client.get(f"/api/agencies/{agency['id']}"))["name"] == "Riverside Homes"
