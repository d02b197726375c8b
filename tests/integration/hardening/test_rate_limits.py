"""Sign-in, TOTP and token requests are limited per client address and path."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import get, post
from litestar.testing import TestClient

from panel_service.http_security import SlidingWindowLimiter
from tests.integration.hardening.small_app import FakeClock, hardened_app
from tests.support.calls import ok


@post("/api/auth/sign-in", status_code=200, sync_to_thread=False)
def sign_in() -> dict[str, str]:
    return {"status": "signed in"}


@get("/api/auth/sign-in", sync_to_thread=False)
def sign_in_page() -> dict[str, str]:
    return {"status": "form"}


@post("/api/auth/totp/confirm", status_code=200, sync_to_thread=False)
def confirm_totp() -> dict[str, str]:
    return {"status": "confirmed"}


@post("/api/auth/tokens", status_code=200, sync_to_thread=False)
def issue_token() -> dict[str, str]:
    return {"status": "issued"}


@post("/api/agencies", status_code=200, sync_to_thread=False)
def create_agency() -> dict[str, str]:
    return {"status": "created"}


HANDLERS = [sign_in, sign_in_page, confirm_totp, issue_token, create_agency]


def attempts(test_client: TestClient[Any], path: str, count: int, **kwargs: Any) -> list[int]:
    return [test_client.post(path, **kwargs).status_code for _ in range(count)]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limited(clock: FakeClock) -> Any:
    with TestClient(hardened_app(HANDLERS, clock=clock)) as test_client:
        yield test_client


def test_the_eleventh_sign_in_attempt_in_a_minute_is_refused_with_retry_after(
    limited: Any,
) -> None:
    assert attempts(limited, "/api/auth/sign-in", 10) == [200] * 10
    response = limited.post("/api/auth/sign-in")
    assert ok(response, 429) == {
        "status": 429,
        "code": "too_many_attempts",
        "message": "Too many attempts; try again in 60 seconds.",
        "errors": [],
    }
    assert response.headers["retry-after"] == "60"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_attempts_are_allowed_again_as_old_ones_leave_the_window(
    limited: Any, clock: FakeClock
) -> None:
    assert attempts(limited, "/api/auth/sign-in", 5) == [200] * 5
    clock.now += 30
    assert attempts(limited, "/api/auth/sign-in", 5) == [200] * 5
    clock.now += 20
    refused = limited.post("/api/auth/sign-in")
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "10")
    clock.now += 10
    assert attempts(limited, "/api/auth/sign-in", 6) == [200] * 5 + [429]
    clock.now += 30
    assert attempts(limited, "/api/auth/sign-in", 5) == [200] * 5


def test_refused_attempts_do_not_extend_the_wait(limited: Any, clock: FakeClock) -> None:
    attempts(limited, "/api/auth/sign-in", 10)
    clock.now += 59
    assert attempts(limited, "/api/auth/sign-in", 20) == [429] * 20
    clock.now += 1
    assert limited.post("/api/auth/sign-in").status_code == 200


def test_another_client_address_is_not_affected(clock: FakeClock) -> None:
    with TestClient(hardened_app(HANDLERS, clock=clock, trust_proxy=True)) as test_client:
        first = {"x-forwarded-for": "198.51.100.7"}
        second = {"x-forwarded-for": "198.51.100.7, 203.0.113.9"}
        assert attempts(test_client, "/api/auth/sign-in", 11, headers=first)[-1] == 429
        assert attempts(test_client, "/api/auth/sign-in", 10, headers=second) == [200] * 10


def test_a_forwarded_for_header_cannot_dodge_the_limit_without_a_trusted_proxy(
    limited: Any,
) -> None:
    statuses = [
        limited.post("/api/auth/sign-in", headers={"x-forwarded-for": f"192.0.2.{n}"}).status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]


def test_totp_confirmation_has_its_own_allowance_at_the_sign_in_rate(limited: Any) -> None:
    attempts(limited, "/api/auth/sign-in", 11)
    assert attempts(limited, "/api/auth/totp/confirm", 11) == [200] * 10 + [429]


def test_token_requests_are_allowed_twenty_a_minute(limited: Any) -> None:
    assert attempts(limited, "/api/auth/tokens", 21) == [200] * 20 + [429]


def test_a_trailing_slash_does_not_open_a_second_allowance(limited: Any) -> None:
    attempts(limited, "/api/auth/sign-in", 10)
    assert limited.post("/api/auth/sign-in/").status_code == 429


def test_the_limits_follow_the_settings(clock: FakeClock) -> None:
    app = hardened_app(HANDLERS, clock=clock, sign_in_rate_per_minute=2, token_rate_per_minute=3)
    with TestClient(app) as test_client:
        assert attempts(test_client, "/api/auth/sign-in", 3) == [200, 200, 429]
        assert attempts(test_client, "/api/auth/tokens", 4) == [200, 200, 200, 429]


def test_other_paths_and_methods_are_never_limited(limited: Any) -> None:
    attempts(limited, "/api/auth/sign-in", 11)
    assert attempts(limited, "/api/agencies", 50) == [200] * 50
    assert {limited.get("/api/auth/sign-in").status_code for _ in range(50)} == {200}


def test_sign_in_on_the_real_app_is_limited(app_client: Any) -> None:
    statuses = attempts(app_client, "/api/auth/sign-in", 11, json={})
    assert 429 not in statuses[:10]
    assert statuses[10] == 429


def test_clients_idle_for_a_window_are_forgotten(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(window_seconds=60, clock=clock)
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        limiter.attempt(address, limit=10)
    clock.now += 60
    limiter.attempt("192.0.2.4", limit=10)
    assert len(limiter) == 1


def test_at_most_max_keys_clients_are_remembered(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(window_seconds=60, clock=clock, max_keys=2)
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        limiter.attempt(address, limit=10)
    assert len(limiter) == 2
