"""Signing in and out, the second factor (TOTP with recovery codes) and passwords.

Every role signs in with a password and a TOTP code; only demo accounts, made by the demo
loader, skip the second factor. A new user's first sign-in gives a session that can do
nothing but enrol TOTP.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from anyio import to_thread

from panel_service import db
from panel_service.accounts.actor import Actor
from panel_service.accounts.credentials import (
    check_new_password,
    digest,
    hash_password,
    new_recovery_codes,
    new_totp_secret,
    normalise_recovery_code,
    password_matches,
    totp_qr_svg,
    totp_step,
    totp_uri,
)
from panel_service.accounts.sessions import (
    Session,
    end_session,
    end_user_sessions,
    mark_verified,
    start_session,
)
from panel_service.accounts.tables import RecoveryCode, Role, User
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict, Invalid, NotAuthenticated
from panel_service.records import fetch_row

REFUSED = "email, password or code not recognised"


# Bounded so a huge password cannot make Argon2 a denial of service.
Secret = Annotated[str, msgspec.Meta(max_length=1024)]
Code = Annotated[str, msgspec.Meta(max_length=64)]


class SignInRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=320)]
    password: Secret
    code: Code = ""


class SignedIn(msgspec.Struct):
    user_id: int
    full_name: str
    role: Role
    agency_id: int | None
    csrf_token: str
    two_factor: str
    """"verified", or "enrolment_required" (only /api/auth/totp/* is open until then)."""


class TotpEnrolment(msgspec.Struct):
    otpauth_uri: str
    qr_svg: str
    secret: str


class TotpConfirm(msgspec.Struct, forbid_unknown_fields=True):
    code: Code


class RecoveryCodes(msgspec.Struct):
    recovery_codes: list[str]
    """Shown once: they are stored only as hashes."""


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Secret
    new_password: Secret


def _actor(user: dict[str, Any]) -> Actor:
    return Actor(
        user_id=user["id"],
        label=user["full_name"],
        role=Role(user["role"]),
        agency_id=user["agency"],
    )


async def _second_factor(user: dict[str, Any], code: str) -> bool:
    """Whether ``code`` is the user's current TOTP code (never one used before) or an unused
    recovery code; consumes what it accepts. Call inside a transaction."""
    step = totp_step(user["totp_secret"], code) if user["totp_secret"] else None
    if step is not None and (user["totp_last_step"] is None or step > user["totp_last_step"]):
        await User.update({User.totp_last_step: step}).where(User.id == user["id"])
        return True
    used = (
        await RecoveryCode.update({RecoveryCode.used_at: datetime.now(UTC)})
        .where(
            (RecoveryCode.user == user["id"])
            & (RecoveryCode.code_hash == digest(normalise_recovery_code(code)))
            & RecoveryCode.used_at.is_null()
        )
        .returning(RecoveryCode.id)
    )
    return bool(used)


async def sign_in(data: SignInRequest, previous_token: str | None) -> tuple[SignedIn, str]:
    """Check the password (and the second factor once enrolled), end any session the
    browser already had (no fixation) and start a new one: (what to show, cookie token).
    A refusal is audited in a transaction of its own, so it outlives the refusal."""
    email = data.email.strip().lower()
    refused: Actor | None = None
    found = await User.select(User.password_hash).where(User.email == email).first()
    # Argon2 is ~50 ms of CPU: off the event loop, and before the write transaction (on
    # SQLite that holds the one writer).
    password_ok = await to_thread.run_sync(
        password_matches, found["password_hash"] if found else None, data.password
    )
    async with db.transaction():
        # Read again inside the transaction: a user disabled meanwhile is refused.
        user = await User.select().where(User.email == email).first()
        if user is None or not password_ok or not user["active"]:
            refused = Actor(user_id=user["id"] if user else None, label="sign-in attempt")
        elif (
            user["totp_enabled"]
            and not user["demo_account"]
            and not await _second_factor(user, data.code)
        ):
            refused = _actor(user)
        if refused is None:
            assert user is not None
            verified = bool(user["demo_account"] or user["totp_enabled"])
            if previous_token:
                await end_session(previous_token)
            token, csrf = await start_session(user["id"], verified)
            await record_event(_actor(user), "signed_in", "user", user["id"])
    if refused is not None:
        async with db.transaction():
            await record_event(refused, "sign_in_refused", "user", user["id"] if user else 0)
        raise NotAuthenticated(REFUSED)
    assert user is not None
    return (
        SignedIn(
            user_id=user["id"],
            full_name=user["full_name"],
            role=Role(user["role"]),
            agency_id=user["agency"],
            csrf_token=csrf,
            two_factor="verified" if verified else "enrolment_required",
        ),
        token,
    )


async def sign_out(session: Session, token: str) -> None:
    async with db.transaction():
        await end_session(token)
        await record_event(
            Actor(user_id=session.user_id, label=session.full_name),
            "signed_out",
            "user",
            session.user_id,
        )


def whoami(session: Session) -> SignedIn:
    return SignedIn(
        user_id=session.user_id,
        full_name=session.full_name,
        role=session.role,
        agency_id=session.agency_id,
        csrf_token=session.csrf_token,
        two_factor="verified" if session.verified else "enrolment_required",
    )


async def enrol_totp(session: Session) -> TotpEnrolment:
    """A new TOTP secret for the user's authenticator app; trusted once confirmed."""
    async with db.transaction():
        user = await fetch_row(User, session.user_id, "user")
        if user["totp_enabled"]:
            raise Conflict("two-factor sign-in is already set up")
        secret = new_totp_secret()
        await User.update({User.totp_secret: secret}).where(User.id == session.user_id)
    uri = totp_uri(secret, user["email"])
    return TotpEnrolment(otpauth_uri=uri, qr_svg=totp_qr_svg(uri), secret=secret)


async def confirm_totp(session: Session, data: TotpConfirm) -> RecoveryCodes:
    """Check the first code from the app, switch TOTP on, verify this session and issue
    fresh recovery codes (shown once)."""
    async with db.transaction():
        user = await fetch_row(User, session.user_id, "user")
        if user["totp_enabled"] or not user["totp_secret"]:
            raise Conflict("start enrolment first" if not user["totp_secret"] else "already set up")
        step = totp_step(user["totp_secret"], data.code)
        if step is None:
            raise Invalid("that code does not match: check the app's clock", field="code")
        await User.update({User.totp_enabled: True, User.totp_last_step: step}).where(
            User.id == session.user_id
        )
        await RecoveryCode.delete().where(RecoveryCode.user == session.user_id)
        codes = new_recovery_codes()
        await RecoveryCode.insert(
            *[
                RecoveryCode(user=session.user_id, code_hash=digest(normalise_recovery_code(c)))
                for c in codes
            ]
        )
        await mark_verified(session.id)
        await record_event(_actor(user), "two_factor_enrolled", "user", session.user_id)
    return RecoveryCodes(recovery_codes=codes)


async def set_password(actor: Actor, user_id: int, password: str) -> None:
    """Set a user's password (the CLI, and a user changing their own); every session the
    user has ends."""
    user = await fetch_row(User, user_id, "user")
    check_new_password(password, user["email"])
    hashed = await to_thread.run_sync(hash_password, password)  # off the loop, see sign_in
    async with db.transaction():
        await User.update({User.password_hash: hashed}).where(User.id == user_id)
        await end_user_sessions(user_id)
        await record_event(actor, "password_set", "user", user_id)


async def change_password(session: Session, data: PasswordChange) -> None:
    if not session.verified:
        raise NotAuthenticated("finish setting up two-factor sign-in first (/api/auth/totp)")
    user = await fetch_row(User, session.user_id, "user")
    if not await to_thread.run_sync(password_matches, user["password_hash"], data.current_password):
        raise Invalid("the current password is not right", field="current_password")
    await set_password(
        Actor(user_id=user["id"], label=user["full_name"]), user["id"], data.new_password
    )
