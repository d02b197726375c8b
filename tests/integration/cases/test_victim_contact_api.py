"""Victim contact details and children's schools: restricted, audited, role-limited."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import act_as, acting_user_id, make_agency, make_user
from tests.support.calls import ok
from tests.support.cases import audit_verbs, make_case
from tests.support.panels import make_panel

CONTACT = {
    "address": "12 Fictional Close, Northtown",
    "postcode": "ZZ1 2ZZ",
    "phone": "07700 900456",
    "safe_to_call": True,
    "safe_times": "Weekdays 10:00-12:00",
    "safe_contacts": "Her sister",
    "unsafe_contacts": "His mother",
    "feared_people": "The perpetrator's brother",
}


def test_contact_details_given_at_referral_are_read_only_through_the_audited_route(
    client: Any,
) -> None:
    panel = make_panel(client)
    case = make_case(
        client,
        panel["id"],
        victim_contact=CONTACT,
        children=[{"date_of_birth": "2018-02-02", "school": "Hill Primary"}],
    )
    contact = ok(client.get(f"/api/cases/{case['id']}/victim-contact"))
    assert {k: contact[k] for k in CONTACT} == CONTACT
    assert contact["victim_id"] == case["victim"]["id"]
    assert contact["children_schools"] == [
        {"child_id": case["children"][0]["id"], "school": "Hill Primary"}
    ]
    assert audit_verbs(client, "case", case["id"]) == ["created", "viewed_restricted"]


def test_contact_details_are_replaced_by_put(client: Any) -> None:
    panel = make_panel(client)
    case = make_case(client, panel["id"])
    ok(client.get(f"/api/cases/{case['id']}/victim-contact"), 404)
    first = ok(client.put(f"/api/cases/{case['id']}/victim-contact", json=CONTACT))
    assert first["safe_to_call"] is True
    moved = ok(
        client.put(
            f"/api/cases/{case['id']}/victim-contact",
            json={"address": "Refuge (address withheld)", "safe_to_call": False},
        )
    )
    assert (moved["address"], moved["phone"], moved["safe_to_call"]) == (
        "Refuge (address withheld)",
        "",
        False,
    )
    assert "updated_restricted" in audit_verbs(client, "case", case["id"])
    body = ok(client.put(f"/api/cases/{case['id']}/victim-contact", json={"phone": "x\r\ny"}), 400)
    assert body["errors"][0]["field"] == "phone"


def test_perpetrator_panel_staff_are_refused_contact_details_and_the_refusal_is_logged(
    client: Any,
) -> None:
    panel = make_panel(client)
    case = make_case(client, panel["id"], victim_contact=CONTACT)
    drive = make_agency(client, "perpetrator_programme")
    case_manager = make_user(client, "case_manager", agency_id=drive["id"])
    coordinator_id = acting_user_id(client)
    act_as(client, case_manager["id"])
    refused = ok(client.get(f"/api/cases/{case['id']}/victim-contact"), 404)
    missing = ok(client.get("/api/cases/999999/victim-contact"), 404)
    assert refused["message"].replace(str(case["id"]), "N") == missing["message"].replace(
        "999999", "N"
    )
    ok(client.put(f"/api/cases/{case['id']}/victim-contact", json=CONTACT), 404)
    act_as(client, coordinator_id)
    assert audit_verbs(client, "case", case["id"]) == ["created", "refused", "refused"]
