"""An unexpected failure is a generic 500 with a reference; the details go to the log only."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from litestar import get, post
from litestar.exceptions import ImproperlyConfiguredException, NotAuthorizedException
from litestar.testing import TestClient

from panel_service.errors import NotFound, PermissionDenied
from tests.integration.hardening.small_app import hardened_app
from tests.support.calls import ok

SECRET = "Jane Doe lives at 12 Acacia Road"


@get("/explode", sync_to_thread=False)
def explode() -> None:
    raise RuntimeError(SECRET)


@get("/misconfigured", sync_to_thread=False)
def misconfigured() -> None:
    raise ImproperlyConfiguredException(SECRET)


class Note(msgspec.Struct):
    text: str


@post("/notes", sync_to_thread=False)
def save_note(data: Note) -> None:
    raise RuntimeError("the store is down")


@get("/missing", sync_to_thread=False)
def missing() -> None:
    raise NotFound("No such case", field="case_id")


@get("/forbidden", sync_to_thread=False)
def forbidden() -> None:
    raise PermissionDenied("Not your case")


@get("/unauthorised", sync_to_thread=False)
def unauthorised() -> None:
    raise NotAuthorizedException("Sign in first")


HANDLERS = [explode, misconfigured, save_note, missing, forbidden, unauthorised]


def assert_generic_500(response: Any) -> str:
    body = ok(response, 500)
    reference = response.headers["x-correlation-id"]
    assert re.fullmatch(r"[0-9a-f]{16}", reference)
    assert body == {
        "status": 500,
        "code": "internal_error",
        "message": f"Something went wrong; quote reference {reference}.",
        "errors": [],
    }
    assert "Acacia" not in response.text
    assert "Traceback" not in response.text
    return reference


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_is_a_generic_500_with_a_reference(debug: bool) -> None:
    with TestClient(hardened_app(HANDLERS, debug=debug)) as test_client:
        assert_generic_500(test_client.get("/explode"))


def test_an_internal_http_exception_does_not_show_its_detail() -> None:
    with TestClient(hardened_app(HANDLERS)) as test_client:
        assert_generic_500(test_client.get("/misconfigured"))


class Recorded(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def error_log() -> Iterator[Recorded]:
    """What panel_service.errors logs (Litestar's logging setup replaces caplog's handler)."""
    handler = Recorded()
    logger = logging.getLogger("panel_service.errors")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def test_the_failure_is_logged_with_its_reference_but_not_the_request_body(
    error_log: Recorded,
) -> None:
    with TestClient(hardened_app(HANDLERS)) as test_client:
        reference = assert_generic_500(test_client.post("/notes", json={"text": SECRET}))
    [record] = error_log.records
    logged = error_log.format(record)
    assert reference in logged
    assert "POST /notes" in logged
    assert "RuntimeError: the store is down" in logged
    assert "Acacia" not in logged


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/missing", 404, "not_found"),
        ("/forbidden", 403, "forbidden"),
        ("/unauthorised", 401, "error"),
        ("/no-such-route", 404, "not_found"),
    ],
)
def test_expected_refusals_keep_their_own_status_and_code(
    path: str, status: int, code: str
) -> None:
    with TestClient(hardened_app(HANDLERS)) as test_client:
        assert ok(test_client.get(path), status)["code"] == code


def test_an_invalid_body_is_still_a_validation_failure() -> None:
    with TestClient(hardened_app(HANDLERS)) as test_client:
        body = ok(test_client.post("/notes", json={"text": 3}), 400)
    assert (body["code"], body["errors"][0]["field"]) == ("validation_failed", "text")
