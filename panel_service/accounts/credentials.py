"""Secrets a person proves who they are with: passwords, TOTP codes, recovery codes, and the
random tokens sessions are identified by. Pure functions; nothing here touches the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from panel_service.errors import Invalid

ISSUER = "Panel Service"
MIN_PASSWORD_LENGTH = 12
RECOVERY_CODES = 10
_hasher = PasswordHasher()
# Verified against when the email is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def check_new_password(password: str, email: str) -> None:
    """A password is long enough and is not the email address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"use at least {MIN_PASSWORD_LENGTH} characters (a passphrase is easiest)",
            field="password",
        )
    if password.strip().lower() == email.strip().lower():
        raise Invalid("the password cannot be the email address", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Argon2 verification, taking as long when there is no stored hash."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def totp_qr_svg(uri: str) -> str:
    return str(segno.make(uri, error="m").svg_inline(scale=4))


def totp_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step ``code`` is valid for (one step of clock drift either way), or None."""
    digits = code.strip().replace(" ", "")
    if not (digits.isdigit() and len(digits) == 6):
        return None
    totp = pyotp.TOTP(secret)
    moment = time.time() if now is None else now
    step = int(moment // totp.interval)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.at(candidate * totp.interval), digits):
            return candidate
    return None


def new_recovery_codes() -> list[str]:
    """Codes of 80 random bits, written in groups so they can be copied by hand."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode()
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return codes


def normalise_recovery_code(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


def digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret (session token, recovery code): enough, and fast."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)
