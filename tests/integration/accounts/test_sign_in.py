"""Signing in: password plus TOTP, enrolment, recovery codes, sessions, CSRF, timeouts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest

from tests.support.accounts import act_as, audit_events, become, make_user
from tests.support.calls import ok, on_app_loop

PASSWORD = "correct horse battery staple"


def _with_password(client: Any, role: str = "chair", **fields: Any) -> Any:
    from panel_service.accounts.actor import SYSTEM
    from panel_service.accounts.sign_in import set_password

    user = make_user(client, role, **fields)
    on_app_loop(client, set_password, SYSTEM, user["id"], PASSWORD)
    return user


def _sign_in(client: Any, email: str, password: str = PASSWORD, code: str = "") -> Any:
    return client.post(
        "/api/auth/sign-in", json={"email": email, "password": password, "code": code}
    )


def _enrolled(client: Any) -> tuple[Any, str, list[str]]:
    """A user with TOTP set up; returns (user, secret, recovery codes), signed out."""
    user = _with_password(client)
    body = ok(_sign_in(client, user["email"]))
    client.headers["x-csrf-token"] = body["csrf_token"]
    enrolment = ok(client.post("/api/auth/totp/enrol"))
    secret = enrolment["secret"]
    codes = ok(client.post("/api/auth/totp/confirm", json={"code": pyotp.TOTP(secret).now()}))
    ok(client.post("/api/auth/sign-out"))
    return user, secret, codes["recovery_codes"]


def _time_passes(client: Any, user_id: int) -> None:
    """As if the next 30-second step had come: enrolment used the current one."""
    from panel_service.accounts.tables import User

    async def rewind() -> None:
        await User.update({User.totp_last_step: User.totp_last_step - 2}).where(User.id == user_id)

    on_app_loop(client, rewind)


def test_a_wrong_password_and_an_unknown_email_get_the_same_refusal(app_client: Any) -> None:
    user = _with_password(app_client)
    wrong = ok(_sign_in(app_client, user["email"], "not the password at all"), 401)
    unknown = ok(_sign_in(app_client, "nobody@panel.example"), 401)
    assert wrong == unknown
    assert wrong["message"] == "email, password or code not recognised"


def test_a_first_sign_in_can_only_set_up_two_factor(app_client: Any) -> None:
    user = _with_password(app_client)
    body = ok(_sign_in(app_client, user["email"]))
    assert body["two_factor"] == "enrolment_required"
    assert ok(app_client.get("/api/auth/me"))["user_id"] == user["id"]
    refused = ok(app_client.get("/api/agencies"), 401)
    assert "two-factor" in refused["message"]


def test_enrolment_gives_a_qr_code_and_recovery_codes_and_opens_the_api(app_client: Any) -> None:
    user = _with_password(app_client)
    body = ok(_sign_in(app_client, user["email"]))
    app_client.headers["x-csrf-token"] = body["csrf_token"]
    enrolment = ok(app_client.post("/api/auth/totp/enrol"))
    assert enrolment["qr_svg"].startswith("<svg")
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/Panel%20Service:")
    wrong = app_client.post("/api/auth/totp/confirm", json={"code": "000000"})
    assert ok(wrong, 422)["errors"][0]["field"] == "code"
    codes = ok(
        app_client.post(
            "/api/auth/totp/confirm", json={"code": pyotp.TOTP(enrolment["secret"]).now()}
        )
    )["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    ok(app_client.get("/api/agencies"))
    ok(app_client.post("/api/auth/totp/enrol"), 409)


def test_once_enrolled_a_code_is_needed_and_is_never_accepted_twice(app_client: Any) -> None:
    user, secret, _ = _enrolled(app_client)
    code = pyotp.TOTP(secret).now()
    ok(_sign_in(app_client, user["email"], code=code), 401)  # enrolment already used it
    _time_passes(app_client, user["id"])
    ok(_sign_in(app_client, user["email"]), 401)
    assert ok(_sign_in(app_client, user["email"], code=code))["two_factor"] == "verified"
    ok(_sign_in(app_client, user["email"], code=code), 401)


def test_a_recovery_code_works_once(app_client: Any) -> None:
    user, _, codes = _enrolled(app_client)
    assert ok(_sign_in(app_client, user["email"], code=codes[0].lower()))["two_factor"] == (
        "verified"
    )
    ok(_sign_in(app_client, user["email"], code=codes[0]), 401)


def test_signing_in_ends_the_session_the_browser_already_had(app_client: Any) -> None:
    user = _with_password(app_client)
    ok(_sign_in(app_client, user["email"]))
    planted = app_client.cookies.get("__Host-panel_session")
    ok(_sign_in(app_client, user["email"]))
    fresh = app_client.cookies.get("__Host-panel_session")
    assert fresh != planted
    app_client.cookies.set("__Host-panel_session", planted, domain="testserver.local")
    ok(app_client.get("/api/auth/me"), 401)


def test_the_session_cookie_is_host_only_secure_httponly_and_lax(app_client: Any) -> None:
    user = _with_password(app_client)
    response = _sign_in(app_client, user["email"])
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-panel_session=")
    for attribute in ("secure", "httponly", "samesite=lax", "path=/"):
        assert attribute in cookie.lower(), cookie
    assert "domain" not in cookie.lower() and "max-age" not in cookie.lower()


def test_plain_http_is_allowed_only_to_this_machine(fresh_database: None) -> None:
    from litestar.testing import TestClient

    from panel_service.app import create_app

    with TestClient(create_app(), base_url="http://127.0.0.1:8000") as client:
        user = _with_password(client)
        cookie = _sign_in(client, user["email"]).headers["set-cookie"]
        assert cookie.startswith("panel_session=") and "Secure" not in cookie
        assert ok(client.get("/api/auth/me"))["user_id"] == user["id"]


def test_a_state_change_needs_the_sessions_csrf_token(client: Any) -> None:
    become(client, "administrator")  # who may create agencies
    body = {"name": "Housing Trust", "agency_type": "housing"}
    token = client.headers.pop("x-csrf-token")
    assert ok(client.post("/api/agencies", json=body), 403)["code"] == "csrf_failed"
    wrong = client.post("/api/agencies", json=body, headers={"x-csrf-token": "guess"})
    assert ok(wrong, 403)["code"] == "csrf_failed"
    ok(client.get("/api/agencies"))
    ok(client.post("/api/agencies", json=body, headers={"x-csrf-token": token}), 201)


def test_signing_out_revokes_the_session(client: Any) -> None:
    ok(client.post("/api/auth/sign-out"))
    ok(client.get("/api/agencies"), 401)


def test_disabling_a_user_ends_their_sessions_at_once(client: Any) -> None:
    colleague = make_user(client, "chair")
    become(client, "administrator")  # who manages users
    admin_session = client.cookies.get("__Host-panel_session")
    admin_csrf = client.headers["x-csrf-token"]
    act_as(client, colleague["id"])
    ok(client.get("/api/agencies"))
    colleague_session = client.cookies.get("__Host-panel_session")
    client.cookies.set("__Host-panel_session", admin_session, domain="testserver.local")
    client.headers["x-csrf-token"] = admin_csrf
    ok(client.patch(f"/api/users/{colleague['id']}", json={"active": False}))
    client.cookies.set("__Host-panel_session", colleague_session, domain="testserver.local")
    ok(client.get("/api/agencies"), 401)


@pytest.mark.parametrize(
    ("column", "age"),
    [("last_seen_at", timedelta(minutes=31)), ("created_at", timedelta(hours=12, minutes=1))],
)
def test_an_idle_or_too_old_session_has_expired(client: Any, column: str, age: timedelta) -> None:
    from panel_service.accounts.tables import UserSession

    async def age_sessions() -> None:
        past = datetime.now(UTC) - age
        await UserSession.update({column: past, "last_seen_at": past}, force=True)

    ok(client.get("/api/agencies"))
    on_app_loop(client, age_sessions)
    ok(client.get("/api/agencies"), 401)


def test_changing_the_password_ends_every_session_and_checks_its_length(app_client: Any) -> None:
    user = _with_password(app_client)
    act_as(app_client, user["id"])
    short = {"current_password": PASSWORD, "new_password": "short"}
    assert ok(app_client.put("/api/auth/password", json=short), 422)["errors"][0]["field"] == (
        "password"
    )
    wrong = {"current_password": "nope nope nope", "new_password": "a much longer passphrase"}
    assert ok(app_client.put("/api/auth/password", json=wrong), 422)["errors"][0]["field"] == (
        "current_password"
    )
    change = {"current_password": PASSWORD, "new_password": "a much longer passphrase"}
    ok(app_client.put("/api/auth/password", json=change), 204)
    ok(app_client.get("/api/agencies"), 401)
    ok(_sign_in(app_client, user["email"], "a much longer passphrase"))


def test_sign_in_attempts_and_results_are_audited(client: Any) -> None:
    user = _with_password(client)
    ok(_sign_in(client, user["email"], "wrong password here"), 401)
    ok(_sign_in(client, user["email"]))
    verbs = [e["verb"] for e in audit_events(client, record_type="user", record_id=user["id"])]
    assert verbs[:2] == ["signed_in", "sign_in_refused"]
