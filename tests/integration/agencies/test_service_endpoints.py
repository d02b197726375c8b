"""The service's own endpoints: liveness and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from tests.support.calls import ok


def test_health_answers_without_a_user(app_client: Any) -> None:
    assert ok(app_client.get("/health")) == {"status": "ok"}


def test_the_openapi_document_describes_every_resource(app_client: Any) -> None:
    paths = ok(app_client.get("/schema/openapi.json"))["paths"]
    for resource in (
        "/api/agencies",
        "/api/users",
        "/api/panels",
        "/api/meetings",
        "/api/meetings/{meeting_id}/agenda",
        "/api/meetings/{meeting_id}/attendance/{agency_id}",
        "/api/listings/{listing_id}/victim-voice",
        "/api/cases",
        "/api/people",
        "/api/perpetrator-subjects",
        "/api/actions",
        "/api/actions/overdue-by-agency",
        "/api/audit-events",
    ):
        assert resource in paths, resource
