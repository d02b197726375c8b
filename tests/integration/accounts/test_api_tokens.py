"""API tokens: made by administrators for one agency and a set of permissions, shown once,
kept as a hash, used as ``Authorization: Bearer pst_...`` without a session or CSRF token,
limited to their agency and permissions, revocable, expiring, and named in the audit trail."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from panel_service.accounts.sessions import SECURE_COOKIE
from tests.support.accounts import audit_events, become, make_agency
from tests.support.actions import make_action, sitting_marac_listing
from tests.support.calls import ok, on_app_loop


def _actions_of_two_agencies(client: Any) -> tuple[Any, Any, Any, Any]:
    """(our agency, our action, their agency, their action), agreed at one sitting meeting
    by the acting coordinator."""
    ours, theirs = make_agency(client, "housing"), make_agency(client, "police")
    listing = sitting_marac_listing(client)
    our_action = make_action(client, listing["id"], agency_id=ours["id"])
    their_action = make_action(client, listing["id"], agency_id=theirs["id"])
    return ours, our_action, theirs, their_action


def _issue(client: Any, agency_id: int, *permissions: str, **extra: Any) -> Any:
    """A token made through the API by the acting user (who must be an administrator)."""
    body = {"name": "Housing CRM", "agency_id": agency_id, "permissions": list(permissions)}
    return ok(client.post("/api/auth/tokens", json={**body, **extra}), 201)


def _signed_out(client: Any) -> None:
    """Drop the session cookie and its CSRF token: from now on only a bearer token acts."""
    client.cookies.delete(SECURE_COOKIE, domain="testserver.local")
    client.headers.pop("x-csrf-token", None)


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _token_rows(client: Any) -> list[dict[str, Any]]:
    from panel_service.db import fetch

    return on_app_loop(client, fetch, "SELECT * FROM api_token ORDER BY id")


def test_a_token_is_shown_once_and_only_its_hash_is_kept(client: Any) -> None:
    agency = make_agency(client, "housing")
    admin = become(client, "administrator")
    issued = _issue(client, agency["id"], "actions:read")
    secret = issued["token"]
    assert secret.startswith("pst_") and len(secret) > 40
    details = issued["details"]
    assert (details["agency_id"], details["permissions"], details["created_by_id"]) == (
        agency["id"],
        ["actions:read"],
        admin["id"],
    )
    assert details["revoked_at"] is None and details["expires_at"] is None

    listed = client.get("/api/auth/tokens")
    assert [t["id"] for t in ok(listed)["items"]] == [details["id"]]
    assert secret not in listed.text and secret.removeprefix("pst_") not in listed.text
    assert "token_hash" not in listed.text and "token" not in ok(listed)["items"][0]

    [row] = _token_rows(client)
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(value) for value in row.values())
    assert secret.removeprefix("pst_") not in stored
    trail = audit_events(client, record_type="api_token", record_id=details["id"])
    assert [e["verb"] for e in trail] == ["created"]
    assert secret.removeprefix("pst_") not in str(trail)


def test_a_bearer_token_lists_only_its_agencys_actions(client: Any) -> None:
    ours, our_action, _, their_action = _actions_of_two_agencies(client)
    become(client, "administrator")
    token = _issue(client, ours["id"], "actions:read")["token"]
    _signed_out(client)
    ok(client.get("/api/actions"), 401)

    listed = ok(client.get("/api/actions", params={"limit": 100}, headers=_bearer(token)))
    assert [a["id"] for a in listed["items"]] == [our_action["id"]]
    assert listed["total"] == 1
    assert (
        ok(client.get(f"/api/actions/{our_action['id']}", headers=_bearer(token)))["id"]
        == (our_action["id"])
    )
    ok(client.get(f"/api/actions/{their_action['id']}", headers=_bearer(token)), 404)


def test_a_token_reports_its_agencys_actions_without_a_csrf_token(client: Any) -> None:
    ours, our_action, _, their_action = _actions_of_two_agencies(client)
    become(client, "administrator")
    token = _issue(client, ours["id"], "actions:read", "actions:report")["token"]
    _signed_out(client)
    report = {"status": "completed", "note": "Locks changed on 1 December."}

    done = ok(
        client.post(f"/api/actions/{our_action['id']}/status", json=report, headers=_bearer(token))
    )
    assert done["status"] == "completed"
    ok(
        client.post(
            f"/api/actions/{their_action['id']}/status", json=report, headers=_bearer(token)
        ),
        404,
    )


def test_a_permission_the_token_lacks_is_refused_with_403(client: Any) -> None:
    ours, our_action, _, _ = _actions_of_two_agencies(client)
    become(client, "administrator")
    issued = _issue(client, ours["id"], "actions:read")
    token, token_id = issued["token"], issued["details"]["id"]
    _signed_out(client)
    report = {"status": "completed", "note": ""}

    response = client.post(
        f"/api/actions/{our_action['id']}/status", json=report, headers=_bearer(token)
    )
    assert ok(response, 403)["code"] == "forbidden"
    ok(client.get("/api/meetings", headers=_bearer(token)), 403)
    ok(client.get("/api/cases", headers=_bearer(token)), 403)
    ok(client.get("/api/users", headers=_bearer(token)), 403)
    ok(client.get("/api/audit-events", headers=_bearer(token)), 403)
    ok(
        client.post(
            "/api/auth/tokens",
            json={"name": "More", "agency_id": ours["id"], "permissions": ["actions:report"]},
            headers=_bearer(token),
        ),
        403,
    )
    assert ok(client.get(f"/api/actions/{our_action['id']}", headers=_bearer(token)))["status"] == (
        "open"
    )
    trail = audit_events(client, record_type="action", record_id=our_action["id"])
    [refused] = [e for e in trail if e["verb"] == "refused"]
    assert refused["detail"] == {"right": "report", "status": 403}
    assert (refused["api_token_id"], refused["agency_id"]) == (token_id, ours["id"])


def test_a_revoked_token_is_refused_with_401(client: Any) -> None:
    agency = make_agency(client, "housing")
    become(client, "administrator")
    issued = _issue(client, agency["id"], "actions:read")
    token, token_id = issued["token"], issued["details"]["id"]
    ok(client.get("/api/actions", headers=_bearer(token)))

    revoked = ok(client.post(f"/api/auth/tokens/{token_id}/revoke"))
    assert revoked["revoked_at"] is not None
    ok(client.post(f"/api/auth/tokens/{token_id}/revoke"), 409)
    ok(client.post("/api/auth/tokens/999/revoke"), 404)
    body = ok(client.get("/api/actions", headers=_bearer(token)), 401)
    assert body["code"] == "not_authenticated"
    assert [e["verb"] for e in audit_events(client, record_type="api_token")] == [
        "revoked",
        "created",
    ]


def test_an_expired_token_is_refused_with_401(client: Any) -> None:
    from panel_service.accounts.tables import ApiToken

    agency = make_agency(client, "housing")
    become(client, "administrator")
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    issued = _issue(client, agency["id"], "actions:read", expires_at=soon)
    token, token_id = issued["token"], issued["details"]["id"]
    ok(client.get("/api/actions", headers=_bearer(token)))

    async def expire() -> None:
        past = datetime.now(UTC) - timedelta(seconds=1)
        await ApiToken.update({ApiToken.expires_at: past}).where(ApiToken.id == token_id)

    on_app_loop(client, expire)
    ok(client.get("/api/actions", headers=_bearer(token)), 401)
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    body = {"name": "Old", "agency_id": agency["id"], "permissions": ["actions:read"]}
    refused = ok(client.post("/api/auth/tokens", json={**body, "expires_at": past}), 422)
    assert refused["errors"][0]["field"] == "expires_at"


@pytest.mark.parametrize("credential", ["", "pst_not-a-real-token", "Basic", "pst_"])
def test_an_unknown_token_is_refused_with_401_even_beside_a_session(
    client: Any, credential: str
) -> None:
    ok(client.get("/api/agencies"))  # the coordinator's session works
    response = client.get("/api/agencies", headers={"authorization": f"Bearer {credential}"})
    assert ok(response, 401)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "role", ["coordinator", "chair", "idva", "agency_representative", "service_manager"]
)
def test_only_administrators_make_list_or_revoke_tokens(client: Any, role: str) -> None:
    agency = make_agency(client, "housing")
    become(client, "administrator")
    token_id = _issue(client, agency["id"], "actions:read")["details"]["id"]
    user = become(client, role, agency_id=agency["id"] if role != "coordinator" else None)

    body = {"name": "Mine", "agency_id": agency["id"], "permissions": ["actions:report"]}
    ok(client.post("/api/auth/tokens", json=body), 403)
    ok(client.get("/api/auth/tokens"), 403)
    ok(client.post(f"/api/auth/tokens/{token_id}/revoke"), 403)
    assert len(_token_rows(client)) == 1
    assert _token_rows(client)[0]["revoked_at"] is None
    verbs = [(e["verb"], e["record_type"]) for e in audit_events(client, actor_id=user["id"])]
    assert verbs == [("refused", "api_token")] * 3


def test_a_token_needs_a_known_agency_and_known_permissions(client: Any) -> None:
    agency = make_agency(client, "housing")
    become(client, "administrator")
    body = {"name": "CRM", "agency_id": agency["id"], "permissions": ["actions:read"]}
    for bad in ({"permissions": ["cases:read"]}, {"permissions": []}, {"admin": True}):
        ok(client.post("/api/auth/tokens", json={**body, **bad}), 400)
    missing = ok(client.post("/api/auth/tokens", json={**body, "agency_id": 999}), 404)
    assert missing["errors"][0]["field"] == "agency_id"
    assert _token_rows(client) == []


def test_what_a_token_does_is_audited_with_its_token_and_agency(client: Any) -> None:
    ours, our_action, _, _ = _actions_of_two_agencies(client)
    become(client, "administrator")
    issued = _issue(client, ours["id"], "actions:read", "actions:report")
    token, token_id = issued["token"], issued["details"]["id"]
    _signed_out(client)
    report = {"status": "not_completed_not_done", "note": "The tenant moved out."}
    ok(client.post(f"/api/actions/{our_action['id']}/status", json=report, headers=_bearer(token)))

    event = audit_events(client, record_type="action", record_id=our_action["id"])[0]
    assert event["verb"] == "not_completed_not_done"
    assert (event["api_token_id"], event["agency_id"], event["actor_id"]) == (
        token_id,
        ours["id"],
        None,
    )
    assert str(token_id) in event["actor_label"]
    history = ok(client.get(f"/api/actions/{our_action['id']}", headers=_bearer(token)))
    assert history["status"] == "not_completed_not_done"
