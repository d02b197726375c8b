"""Restricted victim contact fields (address, postcode, phone, children's schools) never
appear in any response but the audited victim-contact route: checked on the JSON of every
GET route over the demo data, not on the schemas."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import act_as
from tests.support.calls import ok, on_app_loop


def _restricted_values(client: Any) -> set[str]:
    from panel_service.cases.tables import Child, VictimContact

    async def read() -> set[str]:
        contacts = await VictimContact.select(
            VictimContact.address, VictimContact.postcode, VictimContact.phone
        )
        schools = await Child.select(Child.school)
        values = {v for row in contacts for v in row.values()}
        values |= {row["school"] for row in schools}
        return {v for v in values if v}

    return on_app_loop(client, read)


def _all(client: Any, url: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = ok(client.get(url, params={"limit": 200, "offset": len(items)}))
        items += page["items"]
        if len(items) >= page["total"]:
            return items


def _every_get(client: Any) -> list[str]:
    """Every response body a coordinator can GET over the demo data."""
    bodies: list[str] = []

    def get(url: str, *allowed: int) -> Any:
        response = client.get(url)
        assert response.status_code in (200, *allowed), (url, response.status_code)
        bodies.append(response.text)
        return response.json() if response.status_code == 200 else None

    for url in ("/api/agencies", "/api/users", "/api/panels"):
        bodies.append(str(_all(client, url)))
    get("/api/actions/overdue-by-agency")
    for case in _all(client, "/api/cases"):
        get(f"/api/cases/{case['id']}")
        get(f"/api/cases/{case['id']}/dash-assessments")
    for person in _all(client, "/api/people"):
        get(f"/api/people/{person['id']}")
    for subject in _all(client, "/api/perpetrator-subjects"):
        get(f"/api/perpetrator-subjects/{subject['id']}")
    for action in _all(client, "/api/actions"):
        get(f"/api/actions/{action['id']}")
    for meeting in _all(client, "/api/meetings"):
        base = f"/api/meetings/{meeting['id']}"
        get(base)
        get(f"{base}/agenda")
        get(f"{base}/attendance")
        for listing in get(f"{base}/listings")["items"]:
            get(f"/api/listings/{listing['id']}")
            get(f"/api/listings/{listing['id']}/victim-voice", 404)
    return bodies


def test_victim_contact_details_appear_only_in_the_victim_contact_route(
    app_client: Any,
) -> None:
    from panel_service.accounts.tables import User
    from panel_service.demo.loader import load_demo_data

    on_app_loop(app_client, load_demo_data)

    async def demo_user(role: str) -> int:
        row = await User.select(User.id).where(User.role == role).first()
        assert row is not None
        return int(row["id"])

    restricted = _restricted_values(app_client)
    assert len(restricted) > 60, "the demo must hold contact details for this test to mean much"

    # The audit trail is the administrators' to read; the cases are the coordinator's.
    act_as(app_client, on_app_loop(app_client, demo_user, "administrator"))
    bodies = [str(_all(app_client, "/api/audit-events"))]
    act_as(app_client, on_app_loop(app_client, demo_user, "coordinator"))
    bodies += _every_get(app_client)
    assert len(bodies) > 300
    leaks = sorted({value for value in restricted for body in bodies if value in body})
    assert leaks == []

    first_case = _all(app_client, "/api/cases")[-1]
    contact = ok(app_client.get(f"/api/cases/{first_case['id']}/victim-contact"))
    assert contact["address"] in restricted
