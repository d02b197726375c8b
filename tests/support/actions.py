"""Actions for tests: sitting meetings to agree them at, the actions, and status reports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.support.accounts import make_agency
from tests.support.calls import ok, on_app_loop
from tests.support.cases import make_case, make_subject
from tests.support.meetings import list_case, make_meeting, move, record_voice
from tests.support.panels import make_panel

DESCRIPTION = "Police to flag the address for an urgent response"
# A valid activity for an action agreed about a perpetrator subject.
PERPETRATOR_ACTIVITY = {"category": "disruption", "sub_area": "information_sharing_with_police"}


def sitting_marac_listing(
    client: Any, starts_at: str = "2026-12-03T10:00:00Z", panel: Any = None
) -> Any:
    """A case listed on a MARAC meeting that is now in session (its victim's voice recorded)."""
    panel = panel or make_panel(client)
    meeting = make_meeting(client, panel["id"], starts_at)
    listing = list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    record_voice(client, listing["id"])
    move(client, meeting["id"], "publish-agenda", "start")
    return listing


def sitting_subject_listing(client: Any, starts_at: str = "2026-12-03T10:00:00Z") -> Any:
    """A perpetrator subject listed on a perpetrator-panel meeting that is now in session."""
    panel = make_panel(client, kind="perpetrator_panel")
    meeting = make_meeting(client, panel["id"], starts_at)
    subject = make_subject(client, panel["id"])
    listing = ok(
        client.post(f"/api/meetings/{meeting['id']}/listings", json={"subject_id": subject["id"]}),
        201,
    )
    move(client, meeting["id"], "publish-agenda", "start")
    return listing


def meeting_day(client: Any, meeting_id: int) -> date:
    """The day the meeting sits (its start, as the API gives it)."""
    return date.fromisoformat(ok(client.get(f"/api/meetings/{meeting_id}"))["starts_at"][:10])


def action_body(client: Any, listing_id: int, **overrides: Any) -> dict[str, Any]:
    """A valid body for agreeing an action at the listing: a new police agency unless
    ``agency_id`` is given, due two weeks after the meeting, and on a perpetrator subject's
    listing a disruption activity. Any field may be overridden."""
    listing = ok(client.get(f"/api/listings/{listing_id}"))
    body: dict[str, Any] = {
        "description": DESCRIPTION,
        "due_date": (meeting_day(client, listing["meeting_id"]) + timedelta(days=14)).isoformat(),
        **(PERPETRATOR_ACTIVITY if listing["subject_id"] else {}),
        **overrides,
    }
    if "agency_id" not in body:
        body["agency_id"] = make_agency(client)["id"]
    return body


def make_action(client: Any, listing_id: int, **overrides: Any) -> Any:
    """An action agreed through the API (see ``action_body`` for the defaults)."""
    body = action_body(client, listing_id, **overrides)
    return ok(client.post(f"/api/listings/{listing_id}/actions", json=body), 201)


def set_status(client: Any, action_id: int, status: str, note: str = "") -> Any:
    """Report an action's status through the API; the updated action is returned."""
    body = {"status": status, "note": note}
    return ok(client.post(f"/api/actions/{action_id}/status", json=body))


def action_row_counts(client: Any) -> tuple[int, int]:
    """How many Action and ActionStatusChange rows exist (to show a refusal wrote none)."""
    from panel_service.actions.tables import Action, ActionStatusChange

    async def count() -> tuple[int, int]:
        return await Action.count(), await ActionStatusChange.count()

    return on_app_loop(client, count)


def call_service(client: Any, fn: Any, *args: Any) -> Any:
    """Call an actions service as the client's acting user (to pass a fixed ``today``)."""
    from panel_service.accounts.actor import Actor
    from panel_service.accounts.tables import Role

    me = ok(client.get("/api/auth/me"))
    actor = Actor(
        user_id=me["user_id"],
        label="acting user",
        role=Role(me["role"]),
        agency_id=me.get("agency_id"),
    )
    return on_app_loop(client, fn, actor, *args)
