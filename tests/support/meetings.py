"""Meetings, listings and victim voices for tests."""

from __future__ import annotations

from typing import Any

from tests.support.calls import ok


def make_meeting(client: Any, panel_id: int, starts_at: str = "2026-12-03T10:00:00Z") -> Any:
    return ok(
        client.post("/api/meetings", json={"panel_id": panel_id, "starts_at": starts_at}), 201
    )


def list_case(client: Any, meeting_id: int, case_id: int, **extra: Any) -> Any:
    return ok(
        client.post(f"/api/meetings/{meeting_id}/listings", json={"case_id": case_id, **extra}),
        201,
    )


def record_voice(client: Any, listing_id: int, **fields: Any) -> Any:
    """The victim's voice as an IDVA would record it after a safe phone call."""
    body = fields or {
        "views": "Wants the locks changed and to stay in the home.",
        "fears": "That he will come back when released.",
        "contact_date": "2026-11-20",
        "contact_means": "phone, at a time she chose",
    }
    return ok(client.put(f"/api/listings/{listing_id}/victim-voice", json=body))


def move(client: Any, meeting_id: int, *verbs: str) -> Any:
    """Walk a meeting through lifecycle verbs (publish-agenda, start, close, ...)."""
    result = None
    for verb in verbs:
        result = ok(client.post(f"/api/meetings/{meeting_id}/{verb}"))
    return result
