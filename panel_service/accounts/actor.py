"""Who is acting. Every service verb takes an ``Actor``; here it is resolved from an API
token (``Authorization: Bearer``) or from the session cookie, refusing unknown, expired or
revoked tokens and sessions, sessions that have not given the second factor, and browser
state changes without the session's CSRF token."""

from __future__ import annotations

import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from litestar import Request

from panel_service import db
from panel_service.accounts.credentials import digest
from panel_service.accounts.sessions import Session, as_aware, find_session, session_token
from panel_service.accounts.tables import ApiToken, Role
from panel_service.errors import CsrfRejected, NotAuthenticated

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Actor(msgspec.Struct, frozen=True):
    """A signed-in user, an API token (``token_id`` and its ``permissions``), or the system."""

    user_id: int | None
    label: str
    role: Role | None = None
    agency_id: int | None = None
    token_id: int | None = None
    permissions: frozenset[str] | None = None


SYSTEM = Actor(user_id=None, label="system")
# Writing a token's last_used_at on every request would make every read a write.
TOKEN_TOUCH_EVERY = timedelta(minutes=5)


async def token_actor(secret: str, now: datetime | None = None) -> Actor | None:
    """The actor a bearer token stands for, or None: unknown, revoked or expired."""
    now = now or datetime.now(UTC)
    rows = await db.fetch(
        "SELECT t.id, t.name, t.agency, t.permissions, t.expires_at, t.revoked_at,"
        " t.last_used_at FROM api_token t WHERE t.token_hash = {}",
        digest(secret),
    )
    if not rows or rows[0]["revoked_at"] is not None:
        return None
    row = rows[0]
    if row["expires_at"] is not None and as_aware(row["expires_at"]) <= now:
        return None
    if row["last_used_at"] is None or now - as_aware(row["last_used_at"]) > TOKEN_TOUCH_EVERY:
        async with db.transaction():
            await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    permissions = row["permissions"]
    if isinstance(permissions, str):  # hand-written SQL reads JSON back as text
        permissions = json.loads(permissions)
    return Actor(
        user_id=None,
        label=f"API token {row['id']} ({row['name']})",
        agency_id=row["agency"],
        token_id=row["id"],
        permissions=frozenset(permissions),
    )


async def provide_session(request: Request[Any, Any, Any]) -> Session:
    """The caller's live session (second factor given or not); CSRF-checked for changes."""
    token = session_token(request)
    session = await find_session(token) if token else None
    if session is None:
        raise NotAuthenticated("sign in first (POST /api/auth/sign-in)")
    if request.method not in SAFE_METHODS and not hmac.compare_digest(
        request.headers.get(CSRF_HEADER, ""), session.csrf_token
    ):
        raise CsrfRejected(f"send the session's CSRF token in the {CSRF_HEADER} header")
    return session


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """The acting integration, from an ``Authorization: Bearer`` API token (no cookie, so no
    CSRF check), or the acting user, from a session that has given the second factor."""
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        actor = await token_actor(credential.strip()) if credential.strip() else None
        if actor is None:
            raise NotAuthenticated("the API token is unknown, revoked or expired")
        return actor
    session = await provide_session(request)
    if not session.verified:
        raise NotAuthenticated("finish setting up two-factor sign-in first (/api/auth/totp)")
    return Actor(
        user_id=session.user_id,
        label=session.full_name,
        role=session.role,
        agency_id=session.agency_id,
    )
