"""Users and agencies for tests."""

from __future__ import annotations

import itertools
from typing import Any

import msgspec

from tests.support.calls import ok, on_app_loop

_counter = itertools.count(1)


def make_user(client: Any, role: str, agency_id: int | None = None, **fields: Any) -> Any:
    """A user made through the accounts service as the system actor (no sign-in yet)."""
    from panel_service.accounts.actor import SYSTEM
    from panel_service.accounts.schemas import UserCreate
    from panel_service.accounts.services import create_user
    from panel_service.accounts.tables import Role

    n = next(_counter)
    data = UserCreate(
        email=fields.get("email", f"user{n}@test.example"),
        full_name=fields.get("full_name", f"Test User {n}"),
        role=Role(role),
        agency_id=agency_id,
    )
    user = on_app_loop(client, create_user, SYSTEM, data)
    return msgspec.to_builtins(user)


def act_as(client: Any, user_id: int) -> None:
    """Sign ``client`` in as the user: a real server-side session, second factor given
    (the sign-in steps themselves are tested in tests/integration/accounts)."""
    from panel_service.accounts.sessions import SECURE_COOKIE, start_session

    token, csrf = on_app_loop(client, start_session, user_id, True)
    client.cookies.set(SECURE_COOKIE, token, domain="testserver.local")
    client.headers["x-csrf-token"] = csrf


def acting_user_id(client: Any) -> int:
    return int(ok(client.get("/api/auth/me"))["user_id"])


def make_agency(client: Any, agency_type: str = "police", **fields: Any) -> Any:
    """An agency made by the system (administrators make agencies)."""
    from panel_service.accounts.actor import SYSTEM
    from panel_service.agencies.schemas import AgencyCreate
    from panel_service.agencies.services import create_agency

    n = next(_counter)
    body = {
        "name": fields.pop("name", f"Test {agency_type} agency {n}"),
        "agency_type": agency_type,
        "secure_domains": fields.pop("secure_domains", ["police.uk"]),
        **fields,
    }
    agency = on_app_loop(client, create_agency, SYSTEM, msgspec.convert(body, AgencyCreate))
    return msgspec.to_builtins(agency)


def become(client: Any, role: str, agency_id: int | None = None, **fields: Any) -> Any:
    """Make a user with ``role`` and act as them from now on; returns the user."""
    user = make_user(client, role, agency_id, **fields)
    act_as(client, user["id"])
    return user


def audit_events(client: Any, **filters: Any) -> list[dict[str, Any]]:
    """Audit events, newest first, read as the system (through the API only administrators
    may list the trail); ``filters`` as for GET /api/audit-events."""
    from panel_service.audit.services import read_events
    from panel_service.pagination import PageParams

    page = on_app_loop(
        client,
        read_events,
        PageParams(limit=500, offset=0),
        filters.get("record_type"),
        filters.get("record_id"),
        filters.get("actor_id"),
    )
    return [msgspec.to_builtins(event) for event in page.items]
