"""One error shape for every refusal, naming the field at fault."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import become
from tests.support.calls import ok


def test_a_missing_field_is_named(client: Any) -> None:
    become(client, "administrator")  # who may create agencies
    body = ok(client.post("/api/agencies", json={"name": "Only a name"}), 400)
    assert body["errors"] == [
        {"field": "agency_type", "message": "Object missing required field `agency_type`"}
    ]


def test_an_unknown_field_is_named(client: Any) -> None:
    become(client, "administrator")  # who may create agencies
    response = client.post(
        "/api/agencies", json={"name": "X", "agency_type": "police", "admin": True}
    )
    assert ok(response, 400)["errors"][0]["field"] == "admin"


def test_a_nested_field_is_named_by_its_path(client: Any) -> None:
    become(client, "administrator")  # who may create agencies
    response = client.post(
        "/api/agencies",
        json={
            "name": "X",
            "agency_type": "police",
            "secure_domains": ["nhs.example", "not a domain"],
        },
    )
    assert ok(response, 400)["errors"][0]["field"] == "secure_domains[1]"


def test_malformed_json_is_a_bad_request(client: Any) -> None:
    become(client, "administrator")  # who may create agencies
    response = client.post(
        "/api/agencies", content=b"{not json", headers={"content-type": "application/json"}
    )
    body = ok(response, 400)
    assert (body["code"], body["errors"]) == ("bad_request", [])


def test_an_oversized_body_is_refused_with_413_and_nothing_is_written(client: Any) -> None:
    become(client, "administrator")  # who may create agencies
    huge = b'{"name": "' + b"x" * 1_100_000 + b'", "agency_type": "police"}'
    response = client.post(
        "/api/agencies", content=huge, headers={"content-type": "application/json"}
    )
    assert ok(response, 413)["code"] == "too_large"
    assert ok(client.get("/api/agencies"))["total"] == 0


def test_an_unknown_route_has_the_same_shape(client: Any) -> None:
    assert ok(client.get("/api/nothing-here"), 404) == {
        "status": 404,
        "code": "not_found",
        "message": "Not Found",
        "errors": [],
    }


def test_case_data_is_never_cached(client: Any) -> None:
    response = client.get("/api/agencies")
    assert response.headers["cache-control"] == "no-store"
