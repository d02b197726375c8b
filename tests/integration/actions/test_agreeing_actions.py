"""Agreeing actions at a listing: SMART checks, the sitting meeting, owners, perpetrator-panel
activities, and refusals that write nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.accounts import (
    act_as,
    acting_user_id,
    audit_events,
    become,
    make_agency,
    make_user,
)
from tests.support.actions import (
    action_body,
    action_row_counts,
    make_action,
    sitting_marac_listing,
    sitting_subject_listing,
)
from tests.support.calls import ok
from tests.support.cases import make_case
from tests.support.meetings import list_case, make_meeting, move, record_voice
from tests.support.panels import make_panel


def _refused(client: Any, listing_id: int, status: int, **overrides: Any) -> Any:
    body = action_body(client, listing_id, **overrides)
    return ok(client.post(f"/api/listings/{listing_id}/actions", json=body), status)


def test_an_action_is_agreed_for_the_listed_case_and_opens_its_history(client: Any) -> None:
    listing = sitting_marac_listing(client)
    agency = make_agency(client, "housing", name="Northtown Homes")
    action = make_action(
        client, listing["id"], agency_id=agency["id"], description="  Change the locks today  "
    )
    assert action["case_id"] == listing["case_id"]
    assert action["subject_id"] is None
    assert action["meeting_id"] == listing["meeting_id"]
    assert (action["agency_id"], action["agency_name"]) == (agency["id"], "Northtown Homes")
    assert action["description"] == "Change the locks today"
    assert action["due_date"] == "2026-12-17"
    assert action["status"] == "open"
    assert [(h["from_status"], h["to_status"]) for h in action["history"]] == [(None, "open")]
    assert action["history"][0]["changed_by_id"] == acting_user_id(client)


def test_agreeing_an_action_is_audited(client: Any) -> None:
    listing = sitting_marac_listing(client)
    action = make_action(client, listing["id"])
    events = audit_events(client, record_type="action")
    assert [(e["verb"], e["record_id"]) for e in events] == [("created", action["id"])]
    assert events[0]["detail"] == {"listing_id": listing["id"], "agency_id": action["agency_id"]}


@pytest.mark.parametrize("description", ["", "   ", "Call her"])
def test_a_vague_description_is_refused_naming_the_field(client: Any, description: str) -> None:
    listing = sitting_marac_listing(client)
    body = _refused(client, listing["id"], 422, description=description)
    assert body["errors"][0]["field"] == "description"


def test_an_overlong_description_is_refused_naming_the_field(client: Any) -> None:
    listing = sitting_marac_listing(client)
    body = _refused(client, listing["id"], 400, description="Visit weekly. " * 200)
    assert body["errors"][0]["field"] == "description"


def test_an_action_without_a_due_date_is_refused_naming_the_field(client: Any) -> None:
    listing = sitting_marac_listing(client)
    body = action_body(client, listing["id"])
    del body["due_date"]
    response = client.post(f"/api/listings/{listing['id']}/actions", json=body)
    assert ok(response, 400)["errors"][0]["field"] == "due_date"


def test_an_action_due_before_the_meeting_is_refused_but_the_meeting_day_is_allowed(
    client: Any,
) -> None:
    listing = sitting_marac_listing(client, starts_at="2026-12-03T10:00:00Z")
    body = _refused(client, listing["id"], 422, due_date="2026-12-02")
    assert body["errors"][0]["field"] == "due_date"
    assert make_action(client, listing["id"], due_date="2026-12-03")["due_date"] == "2026-12-03"


def test_an_action_is_owned_by_one_existing_agency(client: Any) -> None:
    listing = sitting_marac_listing(client)
    assert _refused(client, listing["id"], 404, agency_id=9999)["errors"][0]["field"] == (
        "agency_id"
    )
    body = action_body(client, listing["id"])
    del body["agency_id"]
    response = client.post(f"/api/listings/{listing['id']}/actions", json=body)
    assert "`agency_id`" in ok(response, 400)["errors"][0]["message"]


def test_an_inactive_agency_cannot_own_an_action(client: Any) -> None:
    listing = sitting_marac_listing(client)
    agency = make_agency(client)
    coordinator = acting_user_id(client)
    become(client, "administrator")
    ok(client.patch(f"/api/agencies/{agency['id']}", json={"active": False}))
    act_as(client, coordinator)
    body = _refused(client, listing["id"], 422, agency_id=agency["id"])
    assert body["errors"][0]["field"] == "agency_id"


def test_the_named_owner_must_be_a_member_of_the_owning_agency(client: Any) -> None:
    listing = sitting_marac_listing(client)
    police, housing = make_agency(client, "police"), make_agency(client, "housing")
    officer = make_user(client, "agency_representative", police["id"], full_name="PC Amy Able")
    outsider = make_user(client, "agency_representative", housing["id"])
    body = _refused(client, listing["id"], 422, agency_id=police["id"], owner_id=outsider["id"])
    assert body["errors"][0]["field"] == "owner_id"
    body = _refused(client, listing["id"], 422, agency_id=police["id"], owner_id=9999)
    assert body["errors"][0]["field"] == "owner_id"
    action = make_action(client, listing["id"], agency_id=police["id"], owner_id=officer["id"])
    assert (action["owner_id"], action["owner_name"]) == (officer["id"], "PC Amy Able")


def test_an_owner_can_be_named_without_a_user_account(client: Any) -> None:
    listing = sitting_marac_listing(client)
    action = make_action(client, listing["id"], owner_name="DS Ben Baker")
    assert (action["owner_id"], action["owner_name"]) == (None, "DS Ben Baker")


def test_actions_are_agreed_only_while_the_meeting_sits_or_its_minutes_are_drafted(
    client: Any,
) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    listing = list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    record_voice(client, listing["id"])
    agency = make_agency(client)
    for verb in ("publish-agenda", "start", "close", "approve-minutes"):
        sitting = ok(client.get(f"/api/meetings/{meeting['id']}"))["status"] in (
            "in_session",
            "minutes_drafted",
        )
        body = action_body(client, listing["id"], agency_id=agency["id"])
        response = client.post(f"/api/listings/{listing['id']}/actions", json=body)
        assert response.status_code == (201 if sitting else 409), (verb, response.text)
        move(client, meeting["id"], verb)
    assert action_row_counts(client) == (2, 2)  # agreed in session and while drafting


def test_no_action_is_agreed_for_a_deferred_case(client: Any) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    listing = list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    record_voice(client, listing["id"])
    move(client, meeting["id"], "publish-agenda", "start")
    outcome = {"outcome": "deferred", "deferral_reason": "Referrer's representative absent"}
    ok(client.post(f"/api/listings/{listing['id']}/outcome", json=outcome))
    assert "deferred" in _refused(client, listing["id"], 409)["message"]


def test_an_unknown_listing_is_not_found(client: Any) -> None:
    body = {"agency_id": 1, "description": "Police to visit", "due_date": "2026-12-10"}
    ok(client.post("/api/listings/9999/actions", json=body), 404)


def test_a_perpetrator_action_with_a_matching_category_and_sub_area_is_accepted(
    client: Any,
) -> None:
    listing = sitting_subject_listing(client)
    action = make_action(client, listing["id"], category="support", sub_area="substance_misuse")
    assert (action["category"], action["sub_area"]) == ("support", "substance_misuse")
    assert action["subject_id"] == listing["subject_id"]
    assert action["case_id"] is None


def test_a_perpetrator_action_with_a_sub_area_of_another_category_is_refused(
    client: Any,
) -> None:
    listing = sitting_subject_listing(client)
    body = _refused(client, listing["id"], 422, category="behaviour_change", sub_area="housing")
    assert body["errors"][0]["field"] == "sub_area"


def test_a_perpetrator_action_without_a_category_is_refused(client: Any) -> None:
    listing = sitting_subject_listing(client)
    body = action_body(client, listing["id"])
    del body["category"], body["sub_area"]
    response = client.post(f"/api/listings/{listing['id']}/actions", json=body)
    assert ok(response, 422)["errors"][0]["field"] == "category"


def test_an_unknown_sub_area_is_refused_naming_the_field(client: Any) -> None:
    listing = sitting_subject_listing(client)
    body = _refused(client, listing["id"], 400, category="support", sub_area="gardening")
    assert body["errors"][0]["field"] == "sub_area"


def test_a_marac_action_with_an_activity_category_is_refused(client: Any) -> None:
    listing = sitting_marac_listing(client)
    body = _refused(client, listing["id"], 422, category="support", sub_area="housing")
    assert body["errors"][0]["field"] == "category"


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"description": "Visit"}, 422),
        ({"due_date": "2026-11-01"}, 422),
        ({"agency_id": 9999}, 404),
        ({"owner_id": 9999}, 422),
        ({"category": "support", "sub_area": "housing"}, 422),
    ],
)
def test_a_refused_action_writes_nothing(
    client: Any, overrides: dict[str, Any], status: int
) -> None:
    listing = sitting_marac_listing(client)
    _refused(client, listing["id"], status, **overrides)
    assert action_row_counts(client) == (0, 0)
    assert audit_events(client, record_type="action") == []


def test_a_nul_character_in_free_text_is_refused_naming_the_field(client: Any) -> None:
    # PostgreSQL text cannot hold NUL: it is a 400 on either database, never a 500.
    listing = sitting_marac_listing(client)
    before = action_row_counts(client)
    body = action_body(client, listing["id"], description="Police to visit\x00 today")
    refused = ok(client.post(f"/api/listings/{listing['id']}/actions", json=body), 400)
    assert refused["errors"][0]["field"] == "description"
    assert action_row_counts(client) == before
