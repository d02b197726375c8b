"""Approving the minutes stores a locked version with the full minutes; minutes corrected
after approval are approved again as the next version, and every earlier version stays as
it was approved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.integration.minutes.builders import read_minutes, save_minutes, sitting
from tests.support.accounts import acting_user_id, audit_events
from tests.support.actions import call_service, make_action
from tests.support.calls import ok, on_app_loop
from tests.support.meetings import move


def _versions(client: Any, meeting_id: int) -> list[int]:
    return [v["number"] for v in ok(client.get(f"/api/meetings/{meeting_id}/minutes/versions"))]


def test_approving_stores_version_1_with_the_minutes_as_they_stood(client: Any) -> None:
    s = sitting(client)
    save_minutes(client, s.listing_id, 0, "Risk as agreed", shared=((s.police["id"], "Info"),))
    assert _versions(client, s.meeting_id) == []
    move(client, s.meeting_id, "close", "approve-minutes")

    [version] = ok(client.get(f"/api/meetings/{s.meeting_id}/minutes/versions"))
    assert (version["number"], version["approved_by_id"]) == (1, acting_user_id(client))
    approved = read_minutes(client, s.meeting_id, version=1)
    assert (approved["version"], approved["status"]) == (1, "minutes_approved")
    assert approved["approved_by_id"] == acting_user_id(client)
    assert approved["approved_by_name"] == "Coral Coordinator"
    assert approved["approved_at"] == version["approved_at"]
    assert approved["items"][0]["risks_identified"] == "Risk as agreed"
    # Nothing changed since: the minutes read as that version.
    assert read_minutes(client, s.meeting_id) == approved


def test_a_correction_after_approval_is_approved_as_version_2_leaving_version_1(
    client: Any,
) -> None:
    s = sitting(client)
    save_minutes(client, s.listing_id, 0, "First wording")
    move(client, s.meeting_id, "close", "approve-minutes")
    first = read_minutes(client, s.meeting_id, version=1)

    save_minutes(client, s.listing_id, 1, "Corrected wording", shared=((s.police["id"], "X"),))
    draft = read_minutes(client, s.meeting_id)
    assert (draft["version"], draft["approved_at"]) == (None, None)
    assert draft["items"][0]["risks_identified"] == "Corrected wording"

    assert move(client, s.meeting_id, "approve-minutes")["status"] == "minutes_approved"
    assert _versions(client, s.meeting_id) == [1, 2]
    assert read_minutes(client, s.meeting_id, version=1) == first
    second = read_minutes(client, s.meeting_id, version=2)
    assert second["version"] == 2
    assert second["items"][0]["risks_identified"] == "Corrected wording"
    assert read_minutes(client, s.meeting_id)["version"] == 2


def test_circulated_minutes_once_corrected_are_approved_and_circulated_again(
    client: Any,
) -> None:
    s = sitting(client)
    move(client, s.meeting_id, "close", "approve-minutes", "circulate-minutes")
    url = f"/api/meetings/{s.meeting_id}"
    assert ok(client.post(f"{url}/approve-minutes"), 409)["code"] == "conflict"
    save_minutes(client, s.listing_id, 0, "Added after circulation")
    assert move(client, s.meeting_id, "approve-minutes")["status"] == "minutes_approved"
    assert move(client, s.meeting_id, "circulate-minutes")["status"] == "minutes_circulated"
    assert _versions(client, s.meeting_id) == [1, 2]


def test_approving_unchanged_minutes_again_is_refused_and_writes_nothing(client: Any) -> None:
    s = sitting(client)
    save_minutes(client, s.listing_id, 0, "Wording")
    move(client, s.meeting_id, "close", "approve-minutes")
    before = len(audit_events(client))
    body = ok(client.post(f"/api/meetings/{s.meeting_id}/approve-minutes"), 409)
    assert "not changed since version 1" in body["message"]
    assert _versions(client, s.meeting_id) == [1]
    assert len(audit_events(client)) == before
    # Saving the same text again is no change either.
    save_minutes(client, s.listing_id, 1, "Wording")
    ok(client.post(f"/api/meetings/{s.meeting_id}/approve-minutes"), 409)


def test_an_outcome_reported_after_approval_does_not_unlock_the_minutes(client: Any) -> None:
    from panel_service.actions.schemas import ActionStatusUpdate
    from panel_service.actions.services import set_action_status
    from panel_service.actions.tables import ActionStatus

    s = sitting(client)
    action = make_action(client, s.listing_id)
    move(client, s.meeting_id, "close", "approve-minutes")
    done = ActionStatusUpdate(status=ActionStatus.COMPLETED)
    call_service(client, set_action_status, action["id"], done, date(2026, 12, 10))
    assert read_minutes(client, s.meeting_id)["version"] == 1
    ok(client.post(f"/api/meetings/{s.meeting_id}/approve-minutes"), 409)


def test_an_action_edited_after_approval_makes_the_minutes_differ(client: Any) -> None:
    s = sitting(client)
    action = make_action(client, s.listing_id)
    move(client, s.meeting_id, "close", "approve-minutes")
    ok(client.patch(f"/api/actions/{action['id']}", json={"due_date": "2026-12-31"}))
    draft = read_minutes(client, s.meeting_id)
    assert draft["version"] is None
    assert draft["items"][0]["action_plan"][0]["due_date"] == "2026-12-31"
    move(client, s.meeting_id, "approve-minutes")
    assert _versions(client, s.meeting_id) == [1, 2]


def test_an_unknown_version_is_404(client: Any) -> None:
    s = sitting(client)
    ok(client.get(f"/api/meetings/{s.meeting_id}/minutes", params={"version": 1}), 404)
    move(client, s.meeting_id, "close", "approve-minutes")
    ok(client.get(f"/api/meetings/{s.meeting_id}/minutes", params={"version": 2}), 404)


def test_approval_is_audited_with_the_version_number(client: Any) -> None:
    s = sitting(client)
    move(client, s.meeting_id, "close", "approve-minutes")
    [event] = audit_events(client, record_type="minutes_version")
    assert (event["verb"], event["detail"]) == (
        "approved",
        {"meeting_id": s.meeting_id, "version": 1},
    )
    meeting_verbs = [
        e["verb"] for e in audit_events(client, record_type="meeting", record_id=s.meeting_id)
    ]
    assert meeting_verbs[0] == "minutes_approved"


def test_a_stored_version_cannot_be_changed_or_removed(client: Any) -> None:
    from panel_service.minutes.tables import MinutesVersion

    s = sitting(client)
    move(client, s.meeting_id, "close", "approve-minutes")

    async def change() -> None:
        await MinutesVersion.update({MinutesVersion.content_digest: "forged"}).where(
            MinutesVersion.meeting == s.meeting_id
        )

    async def remove() -> None:
        await MinutesVersion.delete().where(MinutesVersion.meeting == s.meeting_id)

    for attempt in (change, remove):
        with pytest.raises(Exception, match="approved minutes are locked"):
            on_app_loop(client, attempt)
    assert _versions(client, s.meeting_id) == [1]
