"""A case's access log: who viewed it, for coordinators and chairs only."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import act_as, acting_user_id, make_agency, make_user
from tests.support.calls import ok
from tests.support.cases import make_case
from tests.support.panels import make_panel


def test_a_coordinator_sees_who_viewed_a_case(client: Any) -> None:
    coordinator = acting_user_id(client)
    idva = make_user(client, "idva", agency_id=make_agency(client, "idva_service")["id"])
    case = make_case(client, make_panel(client)["id"], assigned_idva_id=idva["id"])
    act_as(client, idva["id"])
    ok(client.get(f"/api/cases/{case['id']}"))
    act_as(client, coordinator)
    log = ok(client.get(f"/api/cases/{case['id']}/access-log"))["items"]
    assert (log[0]["verb"], log[0]["actor_id"]) == ("viewed", idva["id"])
    assert log[-1]["verb"] == "created"


def test_anyone_else_gets_404_and_the_refusal_is_logged(client: Any) -> None:
    case = make_case(client, make_panel(client)["id"])
    coordinator = acting_user_id(client)
    idva = make_user(client, "idva", agency_id=make_agency(client, "idva_service")["id"])
    act_as(client, idva["id"])
    ok(client.get(f"/api/cases/{case['id']}/access-log"), 404)
    act_as(client, coordinator)
    log = ok(client.get(f"/api/cases/{case['id']}/access-log"))["items"]
    assert (log[0]["verb"], log[0]["actor_id"], log[0]["detail"]) == (
        "refused",
        idva["id"],
        {"right": "manage", "status": 404},
    )


def test_the_cases_own_idva_sees_the_case_but_gets_403_for_its_access_log(client: Any) -> None:
    coordinator = acting_user_id(client)
    idva = make_user(client, "idva", agency_id=make_agency(client, "idva_service")["id"])
    case = make_case(client, make_panel(client)["id"], assigned_idva_id=idva["id"])
    act_as(client, idva["id"])
    ok(client.get(f"/api/cases/{case['id']}/access-log"), 403)
    act_as(client, coordinator)
    log = ok(client.get(f"/api/cases/{case['id']}/access-log"))["items"]
    assert (log[0]["verb"], log[0]["actor_id"], log[0]["detail"]) == (
        "refused",
        idva["id"],
        {"right": "manage", "status": 403},
    )
