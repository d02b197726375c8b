"""Who is acting. Every service verb takes an ``Actor``.

Until sign-in lands (issue 3) the API identifies the caller by the ``X-Panel-User``
header (a user id). That is identification, not authentication: the service binds to
127.0.0.1 by default and must not be exposed before sign-in replaces this resolver.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from panel_service import db
from panel_service.accounts.tables import Role
from panel_service.errors import NotAuthenticated

ACTOR_HEADER = "x-panel-user"


class Actor(msgspec.Struct, frozen=True):
    user_id: int | None
    label: str
    role: Role | None = None
    agency_id: int | None = None


SYSTEM = Actor(user_id=None, label="system")


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """Resolve the acting user from the request, refusing unknown or disabled users."""
    raw = request.headers.get(ACTOR_HEADER, "").strip()
    if not raw.isdigit():
        raise NotAuthenticated(f"send the acting user's id in the {ACTOR_HEADER} header")
    # Hand-written: it runs on every request, and Piccolo's query building costs more
    # than the lookup itself.
    rows = await db.fetch(
        "SELECT id, full_name, role, agency, active FROM app_user WHERE id = {}", int(raw)
    )
    row = rows[0] if rows else None
    if row is None or not row["active"]:
        raise NotAuthenticated("unknown or disabled user")
    return Actor(
        user_id=row["id"],
        label=row["full_name"],
        role=Role(row["role"]),
        agency_id=row["agency"],
    )
