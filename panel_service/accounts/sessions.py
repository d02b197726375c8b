"""Server-side sessions: the cookie carries a random token; the database holds its hash,
the user, the CSRF token and the times that decide the idle and absolute timeouts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Request, Response

from panel_service import db
from panel_service.accounts.credentials import digest, new_token
from panel_service.accounts.tables import Role, UserSession
from panel_service.settings import get_settings

SECURE_COOKIE = "__Host-panel_session"
# Browsers refuse a __Host- cookie without Secure, and Secure cookies need https: plain
# http is allowed only to this machine, for development.
LOOPBACK_COOKIE = "panel_session"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Writing last_seen_at on every request would make every read a write.
TOUCH_EVERY = timedelta(seconds=60)

SESSION_SQL = (
    'SELECT s.id, s."user" AS user_id, s.csrf_token, s.verified, s.created_at, s.last_seen_at,'
    " u.full_name, u.role, u.agency, u.active"
    ' FROM user_session s JOIN app_user u ON u.id = s."user"'
    " WHERE s.token_hash = {} AND s.revoked_at IS NULL"
)


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    user_id: int
    full_name: str
    role: Role
    agency_id: int | None
    csrf_token: str
    verified: bool


def over_loopback_http(request: Request[Any, Any, Any]) -> bool:
    return request.url.scheme == "http" and (request.url.hostname or "") in LOOPBACK_HOSTS


def cookie_name(request: Request[Any, Any, Any]) -> str:
    return LOOPBACK_COOKIE if over_loopback_http(request) else SECURE_COOKIE


def session_token(request: Request[Any, Any, Any]) -> str | None:
    return request.cookies.get(cookie_name(request)) or None


def set_session_cookie(
    response: Response[Any], request: Request[Any, Any, Any], token: str
) -> None:
    """HttpOnly, SameSite=Lax, Secure (except plain http to this machine), no Max-Age:
    the server decides when a session ends."""
    response.set_cookie(
        key=cookie_name(request),
        value=token,
        path="/",
        secure=not over_loopback_http(request),
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response[Any], request: Request[Any, Any, Any]) -> None:
    response.delete_cookie(key=cookie_name(request), path="/")


def as_aware(value: Any) -> datetime:
    """A timestamp as read back from either database, as an aware datetime (UTC if naive)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def start_session(user_id: int, verified: bool) -> tuple[str, str]:
    """A new session for the user: (cookie token, CSRF token). Call inside the sign-in
    transaction; the old session, if any, is ended by the caller (rotation)."""
    token, csrf = new_token(), new_token()
    await UserSession.insert(
        UserSession(token_hash=digest(token), user=user_id, csrf_token=csrf, verified=verified)
    )
    return token, csrf


async def find_session(token: str, now: datetime | None = None) -> Session | None:
    """The live session for a cookie token, or None: unknown, revoked, idle too long, past
    its absolute lifetime, or its user disabled. Expired sessions are revoked on sight."""
    settings = get_settings()
    now = now or datetime.now(UTC)
    rows = await db.fetch(SESSION_SQL, digest(token))
    if not rows:
        return None
    row = rows[0]
    last_seen, created = as_aware(row["last_seen_at"]), as_aware(row["created_at"])
    expired = now - last_seen > timedelta(
        minutes=settings.session_idle_minutes
    ) or now - created > timedelta(hours=settings.session_absolute_hours)
    if expired or not row["active"]:
        await end_session_by_id(row["id"], now)
        return None
    if now - last_seen > TOUCH_EVERY:
        async with db.transaction():
            await UserSession.update({UserSession.last_seen_at: now}).where(
                UserSession.id == row["id"]
            )
    return Session(
        id=row["id"],
        user_id=row["user_id"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        agency_id=row["agency"],
        csrf_token=row["csrf_token"],
        verified=bool(row["verified"]),
    )


async def end_session_by_id(session_id: int, now: datetime | None = None) -> None:
    async with db.transaction():
        await UserSession.update({UserSession.revoked_at: now or datetime.now(UTC)}).where(
            (UserSession.id == session_id) & UserSession.revoked_at.is_null()
        )


async def end_session(token: str) -> None:
    """Revoke the session a cookie token names (if it is live)."""
    async with db.transaction():
        await UserSession.update({UserSession.revoked_at: datetime.now(UTC)}).where(
            (UserSession.token_hash == digest(token)) & UserSession.revoked_at.is_null()
        )


async def end_user_sessions(user_id: int) -> None:
    """Revoke every live session of a user (disabled, or password changed)."""
    async with db.transaction():
        await UserSession.update({UserSession.revoked_at: datetime.now(UTC)}).where(
            (UserSession.user == user_id) & UserSession.revoked_at.is_null()
        )


async def mark_verified(session_id: int) -> None:
    async with db.transaction():
        await UserSession.update({UserSession.verified: True}).where(UserSession.id == session_id)
