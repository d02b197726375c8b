"""A listing's minutes: saved one revision at a time (a stale save is refused, never a
silent overwrite), only from agencies at the meeting, only once the meeting sits, only by
the panel's staff, and audited without their text."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import pytest

from tests.integration.minutes.builders import (
    minutes_body,
    put_minutes,
    save_minutes,
    sitting,
)
from tests.support.accounts import (
    act_as,
    acting_user_id,
    audit_events,
    become,
    make_agency,
    make_user,
)
from tests.support.calls import ok, on_app_loop
from tests.support.cases import make_case
from tests.support.meetings import list_case, make_meeting
from tests.support.panels import make_panel


def _events(client: Any) -> list[dict[str, Any]]:
    return audit_events(client, record_type="listing_minutes")


def test_minutes_are_saved_from_revision_0_and_read_back(client: Any) -> None:
    s = sitting(client)
    # A vertical tab pasted from Word is kept: the documents leave out what XML forbids.
    risks = "Escalating stalking;\x0b threats to kill."
    saved = save_minutes(
        client,
        s.listing_id,
        0,
        risks,
        shared=((s.police["id"], "Two call-outs in October."), (s.housing["id"], "Tenancy.")),
    )
    assert saved["revision"] == 1
    assert saved["updated_by_id"] == acting_user_id(client)
    read = ok(client.get(f"/api/listings/{s.listing_id}/minutes"))
    assert read["risks_identified"] == risks
    assert read["revision"] == 1
    assert [(i["agency_name"], i["text"]) for i in read["information_shared"]] == [
        ("Northtown Homes", "Tenancy."),
        ("Northtown Police", "Two call-outs in October."),
    ]


def test_a_nul_character_is_refused_naming_the_field_and_nothing_is_saved(client: Any) -> None:
    # PostgreSQL text cannot hold NUL: free text refuses it at the edge on either database.
    s = sitting(client)
    refused = put_minutes(client, s.listing_id, 0, "Before\x00after")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "risks_identified"
    read = ok(client.get(f"/api/listings/{s.listing_id}/minutes"))
    assert (read["risks_identified"], read["revision"]) == ("", 0)


def test_nothing_saved_yet_reads_as_revision_0(client: Any) -> None:
    s = sitting(client)
    read = ok(client.get(f"/api/listings/{s.listing_id}/minutes"))
    assert (read["risks_identified"], read["information_shared"], read["revision"]) == ("", [], 0)


def test_each_save_raises_the_revision_by_one_and_replaces_what_was_shared(client: Any) -> None:
    s = sitting(client)
    save_minutes(client, s.listing_id, 0, "Risk one", shared=((s.police["id"], "Police info"),))
    second = save_minutes(
        client, s.listing_id, 1, "Risk one", shared=((s.housing["id"], "Housing info"),)
    )
    assert second["revision"] == 2
    assert [i["agency_id"] for i in second["information_shared"]] == [s.housing["id"]]
    # Blank text means the agency shared nothing.
    third = save_minutes(client, s.listing_id, 2, "Risk two", shared=((s.housing["id"], "  "),))
    assert (third["revision"], third["information_shared"]) == (3, [])


def test_a_save_that_changes_nothing_keeps_the_revision(client: Any) -> None:
    s = sitting(client)
    save_minutes(client, s.listing_id, 0, "Risk", shared=((s.police["id"], "Info"),))
    again = save_minutes(client, s.listing_id, 1, "Risk", shared=((s.police["id"], "Info"),))
    assert again["revision"] == 1
    assert len(_events(client)) == 1


def test_a_save_from_a_stale_revision_is_refused_and_writes_nothing(client: Any) -> None:
    s = sitting(client)
    save_minutes(client, s.listing_id, 0, "First", shared=((s.police["id"], "Police info"),))
    events = len(audit_events(client))
    body = ok(
        put_minutes(client, s.listing_id, 0, "Second", shared=((s.housing["id"], "Other"),)),
        409,
    )
    assert body["errors"][0]["field"] == "revision"
    assert body["revision"] == 1
    read = ok(client.get(f"/api/listings/{s.listing_id}/minutes"))
    assert (read["risks_identified"], read["revision"]) == ("First", 1)
    assert [i["agency_id"] for i in read["information_shared"]] == [s.police["id"]]
    # Only the read just made was added to the trail.
    after = audit_events(client)
    assert [e["verb"] for e in after[: len(after) - events]] == ["viewed_minutes"]


def test_the_second_of_two_editors_gets_409_not_a_silent_overwrite(client: Any) -> None:
    s = sitting(client)
    coordinator = acting_user_id(client)
    chair = make_user(client, "chair", full_name="Chris Chair")
    from panel_service.accounts.actor import SYSTEM
    from panel_service.panels.schemas import StaffAdd
    from panel_service.panels.services import add_staff

    on_app_loop(client, add_staff, SYSTEM, s.panel["id"], StaffAdd(user_id=chair["id"]))
    url = f"/api/listings/{s.listing_id}/minutes"
    coordinator_opened = ok(client.get(url))["revision"]
    act_as(client, chair["id"])
    chair_opened = ok(client.get(url))["revision"]
    save_minutes(client, s.listing_id, chair_opened, "The chair's wording")
    act_as(client, coordinator)
    body = ok(put_minutes(client, s.listing_id, coordinator_opened, "The coordinator's"), 409)
    assert body["errors"][0]["field"] == "revision"
    read = ok(client.get(url))
    assert (read["risks_identified"], read["updated_by_id"]) == ("The chair's wording", chair["id"])


def test_two_saves_from_the_same_revision_at_once_let_exactly_one_through(client: Any) -> None:
    from panel_service.accounts.actor import Actor
    from panel_service.accounts.tables import Role
    from panel_service.errors import Conflict
    from panel_service.minutes.schemas import ListingMinutesWrite
    from panel_service.minutes.services import save_listing_minutes

    s = sitting(client)
    actor = Actor(user_id=acting_user_id(client), label="Coral", role=Role.COORDINATOR)
    bodies = [msgspec.convert(minutes_body(0, f"Wording {n}"), ListingMinutesWrite) for n in (1, 2)]

    async def both() -> list[Any]:
        return await asyncio.gather(
            *(save_listing_minutes(actor, s.listing_id, body) for body in bodies),
            return_exceptions=True,
        )

    results = on_app_loop(client, both)
    refused = [r for r in results if isinstance(r, Conflict)]
    saved = [r for r in results if not isinstance(r, BaseException)]
    assert (len(saved), len(refused)) == (1, 1), results
    assert refused[0].field == "revision"
    read = ok(client.get(f"/api/listings/{s.listing_id}/minutes"))
    assert (read["risks_identified"], read["revision"]) == (saved[0].risks_identified, 1)


def test_an_agency_not_at_the_meeting_is_refused_naming_the_field(client: Any) -> None:
    s = sitting(client)
    stranger = make_agency(client, "probation")
    body = ok(
        put_minutes(
            client,
            s.listing_id,
            0,
            "Risk",
            shared=((s.police["id"], "Fine"), (stranger["id"], "Not invited")),
        ),
        422,
    )
    assert body["errors"][0]["field"] == "information_shared[1].agency_id"
    assert _events(client) == []
    assert ok(client.get(f"/api/listings/{s.listing_id}/minutes"))["revision"] == 0


def test_an_agency_listed_twice_is_refused_naming_the_field(client: Any) -> None:
    s = sitting(client)
    twice = ((s.police["id"], "One"), (s.police["id"], "Two"))
    body = ok(put_minutes(client, s.listing_id, 0, "Risk", shared=twice), 422)
    assert body["errors"][0]["field"] == "information_shared[1].agency_id"


def test_an_agency_added_to_the_meeting_may_share_information(client: Any) -> None:
    s = sitting(client)
    probation = make_agency(client, "probation")
    attendance = {"status": "present", "attendee_name": "Pat Probation"}
    url = f"/api/meetings/{s.meeting_id}/attendance/{probation['id']}"
    ok(client.put(url, json=attendance))
    saved = save_minutes(client, s.listing_id, 0, shared=((probation["id"], "On licence"),))
    assert [i["agency_id"] for i in saved["information_shared"]] == [probation["id"]]


@pytest.mark.parametrize(
    "field,body",
    [
        ("risks_identified", minutes_body(0, "x" * 20_001)),
        ("revision", {**minutes_body(0), "revision": -1}),
        ("information_shared", {**minutes_body(0), "information_shared": "text"}),
        ("colour", {**minutes_body(0), "colour": "red"}),
    ],
)
def test_malformed_minutes_are_refused_naming_the_field(
    client: Any, field: str, body: dict[str, Any]
) -> None:
    s = sitting(client)
    response = client.put(f"/api/listings/{s.listing_id}/minutes", json=body)
    assert ok(response, 400)["errors"][0]["field"] == field


def test_minutes_are_refused_before_the_meeting_sits(client: Any) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    listing = list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    ok(put_minutes(client, listing["id"], 0, "Too early"), 409)


def test_a_deferred_case_has_no_minutes(client: Any) -> None:
    s = sitting(client)
    deferral = {"outcome": "deferred", "deferral_reason": "Referrer not briefed"}
    ok(client.post(f"/api/listings/{s.listing_id}/outcome", json=deferral))
    ok(put_minutes(client, s.listing_id, 0, "Risk"), 409)


def test_saving_is_audited_with_the_fields_changed_never_the_text(client: Any) -> None:
    s = sitting(client)
    save_minutes(client, s.listing_id, 0, "Secret risk wording")
    save_minutes(client, s.listing_id, 1, "Secret risk wording", shared=((s.police["id"], "X"),))
    events = _events(client)
    assert [e["verb"] for e in events] == ["updated", "updated"]
    assert [e["detail"]["fields"] for e in events] == [
        ["information_shared"],
        ["risks_identified"],
    ]
    assert events[0]["detail"]["agency_ids"] == [s.police["id"]]
    assert events[0]["detail"]["listing_id"] == s.listing_id
    assert "Secret" not in str(audit_events(client))


def test_reading_a_listings_minutes_is_audited_on_its_case(client: Any) -> None:
    s = sitting(client)
    ok(client.get(f"/api/listings/{s.listing_id}/minutes"))
    events = audit_events(client, record_type="case", record_id=s.listing["case_id"])
    assert events[0]["verb"] == "viewed_minutes"
    assert events[0]["detail"] == {"listing_id": s.listing_id}


@pytest.mark.parametrize("role", ["agency_representative", "idva"])
def test_representatives_and_idvas_may_not_read_or_write_a_listings_minutes(
    client: Any, role: str
) -> None:
    s = sitting(client)
    url = f"/api/listings/{s.listing_id}/minutes"
    if role == "idva":
        idva = make_user(client, "idva", s.police["id"])
        case = make_case(client, s.panel["id"], assigned_idva_id=idva["id"])
        other_meeting = make_meeting(client, s.panel["id"], "2027-01-07T10:00:00Z")
        list_case(client, other_meeting["id"], case["id"])
        act_as(client, idva["id"])
        # The IDVA sees their own case's listing only; this one is not theirs.
        ok(client.get(url), 404)
        url = url.replace(str(s.listing_id), str(case_listing(client, other_meeting["id"])))
    else:
        become(client, role, s.police["id"])
    assert ok(client.get(url), 403)["code"] == "forbidden"
    assert ok(client.put(url, json=minutes_body(0, "Mine")), 403)["code"] == "forbidden"


def case_listing(client: Any, meeting_id: int) -> int:
    return int(ok(client.get(f"/api/meetings/{meeting_id}/listings"))["items"][0]["id"])


def test_a_representative_of_an_agency_not_invited_gets_404(client: Any) -> None:
    s = sitting(client)
    become(client, "agency_representative", make_agency(client, "education")["id"])
    ok(client.get(f"/api/listings/{s.listing_id}/minutes"), 404)
    ok(put_minutes(client, s.listing_id, 0, "Mine"), 404)
