"""Who is acting. Every service verb takes an ``Actor``; here it is resolved from the
session cookie, refusing unknown, expired or revoked sessions, sessions that have not
given the second factor, and browser state changes without the session's CSRF token."""

from __future__ import annotations

import hmac
from typing import Any

import msgspec
from litestar import Request

from panel_service.accounts.sessions import Session, find_session, session_token
from panel_service.accounts.tables import Role
from panel_service.errors import CsrfRejected, NotAuthenticated

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Actor(msgspec.Struct, frozen=True):
    user_id: int | None
    label: str
    role: Role | None = None
    agency_id: int | None = None


SYSTEM = Actor(user_id=None, label="system")


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
    """The acting user, from a session that has given the second factor."""
    session = await provide_session(request)
    if not session.verified:
        raise NotAuthenticated("finish setting up two-factor sign-in first (/api/auth/totp)")
    return Actor(
        user_id=session.user_id,
        label=session.full_name,
        role=session.role,
        agency_id=session.agency_id,
    )
