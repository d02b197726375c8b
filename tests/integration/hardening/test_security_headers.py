"""Every response carries the security headers and a correlation id; HSTS only over TLS."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Response, get
from litestar.testing import TestClient

from panel_service.http_security import CONTENT_SECURITY_POLICY, STRICT_TRANSPORT_SECURITY
from tests.integration.hardening.small_app import hardened_app
from tests.support.calls import ok

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-store",
}


def assert_hardened(response: Any) -> None:
    assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED
    assert "camera=()" in response.headers["permissions-policy"]
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["x-correlation-id"])


def test_a_json_response_carries_the_security_headers(client: Any) -> None:
    response = client.get("/api/agencies")
    ok(response)
    assert_hardened(response)
    assert response.headers.get_list("cache-control") == ["no-store"]


def test_a_not_found_response_carries_the_security_headers(client: Any) -> None:
    response = client.get("/api/nothing-here")
    assert ok(response, 404)["code"] == "not_found"
    assert_hardened(response)


def test_the_openapi_document_is_still_served_with_the_headers(app_client: Any) -> None:
    response = app_client.get("/schema/openapi.json")
    assert ok(response)["info"]["title"] == "Panel Service"
    assert_hardened(response)


def test_each_response_has_its_own_correlation_id(app_client: Any) -> None:
    first, second = (app_client.get("/health") for _ in range(2))
    assert first.headers["x-correlation-id"] != second.headers["x-correlation-id"]


def test_a_correlation_id_sent_by_the_caller_is_not_echoed(app_client: Any) -> None:
    response = app_client.get("/health", headers={"x-correlation-id": "chosen-by-caller"})
    assert response.headers.get_list("x-correlation-id") != ["chosen-by-caller"]
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["x-correlation-id"])


@pytest.mark.parametrize(("scheme", "hsts"), [("http", None), ("https", STRICT_TRANSPORT_SECURITY)])
def test_hsts_is_sent_only_over_https(fresh_database: None, scheme: str, hsts: str | None) -> None:
    from panel_service.app import create_app

    with TestClient(create_app(), base_url=f"{scheme}://testserver.local") as test_client:
        response = test_client.get("/health")
    assert response.headers.get("strict-transport-security") == hsts


@get("/ping", sync_to_thread=False)
def ping() -> dict[str, str]:
    return {"status": "ok"}


@pytest.mark.parametrize("trust_proxy", [False, True])
def test_a_forwarded_proto_is_believed_only_from_a_trusted_proxy(trust_proxy: bool) -> None:
    with TestClient(hardened_app([ping], trust_proxy=trust_proxy)) as test_client:
        response = test_client.get("/ping", headers={"x-forwarded-proto": "https"})
    assert ("strict-transport-security" in response.headers) is trust_proxy


@get("/styled-page", sync_to_thread=False)
def styled_page() -> Response[str]:
    return Response(
        "<p>page</p>",
        media_type="text/html",
        headers={"content-security-policy": "default-src 'self'"},
    )


def test_a_page_that_sets_its_own_content_security_policy_keeps_it() -> None:
    with TestClient(hardened_app([styled_page])) as test_client:
        response = test_client.get("/styled-page")
    assert response.headers.get_list("content-security-policy") == ["default-src 'self'"]
    assert response.headers["x-frame-options"] == "DENY"
