"""The meeting's minutes as data: the sitting, attendance, the review of incomplete actions,
each case in agenda order with what was shared, the victim's voice, the risks and the
action plan; perpetrator subjects; never the victim's contact details; for the panel's
staff only, and every read audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.integration.minutes.builders import read_minutes, save_minutes, sitting
from tests.support.accounts import (
    act_as,
    acting_user_id,
    audit_events,
    become,
    make_agency,
    make_user,
)
from tests.support.actions import (
    call_service,
    make_action,
    sitting_subject_listing,
)
from tests.support.calls import ok
from tests.support.cases import make_case
from tests.support.meetings import list_case, make_meeting, move, record_voice

VOICE = {
    "views": "Wants him to stay away from the school gates.",
    "wishes": "To keep the tenancy.",
    "fears": "That he will find the new flat.",
    "safety_concerns": "He still has a key.",
    "contact_date": "2026-11-20",
    "contact_means": "Mobile, via her sister's phone",
}
CONTACT = {
    "address": "Flat 3, 14 Fictional Street, Northtown",
    "postcode": "ZZ9 9ZZ",
    "phone": "07700 900123",
    "safe_times": "Tuesdays after 14:00",
    "safe_contacts": "Her aunt Maud",
    "unsafe_contacts": "His cousin Derek",
    "feared_people": "His brother Karl",
}


def test_the_minutes_hold_the_sitting_attendance_and_cases_in_agenda_order(
    client: Any,
) -> None:
    s = sitting(client, starts_at="2026-07-02T09:00:00Z")
    with_children = make_case(client, s.panel["id"], children=[{"date_of_birth": "2019-03-03"}])
    meeting = make_meeting(client, s.panel["id"], "2026-07-16T09:00:00Z")  # 10:00 BST
    adult = list_case(client, meeting["id"], make_case(client, s.panel["id"])["id"])
    children = list_case(client, meeting["id"], with_children["id"])
    for listing in (adult, children):
        record_voice(client, listing["id"], **VOICE)
    attendance = f"/api/meetings/{meeting['id']}/attendance"
    ok(
        client.put(
            f"{attendance}/{s.police['id']}",
            json={"status": "present", "attendee_name": "DS Pat", "confidentiality_signed": True},
        )
    )
    ok(
        client.put(
            f"{attendance}/{s.housing['id']}",
            json={"status": "apologies_information_sent", "information_sent_on": "2026-07-14"},
        )
    )
    move(client, meeting["id"], "publish-agenda", "start")
    save_minutes(
        client,
        children["id"],
        0,
        "Risk to the children at contact handovers.",
        shared=((s.police["id"], "Bail conditions end in August."),),
    )
    action = make_action(client, children["id"], agency_id=s.housing["id"], owner_name="Sam")

    minutes = read_minutes(client, meeting["id"])
    m = minutes["meeting"]
    assert (m["panel_name"], m["panel_kind"], m["venue"]) == (
        s.panel["name"],
        "marac",
        "Civic Centre, Room 4",
    )
    assert (m["day"], m["starts_at"], m["timezone"]) == (
        "2026-07-16",
        "2026-07-16T10:00:00+01:00",
        "Europe/London",
    )
    assert (minutes["status"], minutes["version"], minutes["approved_at"]) == (
        "in_session",
        None,
        None,
    )
    assert [(a["agency_name"], a["status"]) for a in minutes["attendance"]] == [
        ("Northtown Homes", "apologies_information_sent"),
        ("Northtown Police", "present"),
    ]
    assert minutes["attendance"][0]["information_sent_on"] == "2026-07-14"
    assert minutes["attendance"][1]["confidentiality_signed"] is True
    assert minutes["actions_review"] == []
    items = minutes["items"]
    assert [(i["listing_id"], i["section"], i["position"]) for i in items] == [
        (children["id"], "cases_with_children", 1),
        (adult["id"], "adult_only_cases", 2),
    ]
    first = items[0]
    assert first["case"]["reference"] == with_children["reference"]
    assert first["case"]["children"] == 1
    assert first["risks_identified"] == "Risk to the children at contact handovers."
    assert first["information_shared"] == [
        {
            "agency_id": s.police["id"],
            "agency_name": "Northtown Police",
            "text": "Bail conditions end in August.",
        }
    ]
    voice = first["victim_voice"]
    assert voice["obtained"] is True
    assert (voice["views"], voice["wishes"], voice["fears"], voice["safety_concerns"]) == (
        VOICE["views"],
        VOICE["wishes"],
        VOICE["fears"],
        VOICE["safety_concerns"],
    )
    [planned] = first["action_plan"]
    assert (planned["id"], planned["agency_name"], planned["owner_name"]) == (
        action["id"],
        "Northtown Homes",
        "Sam",
    )
    assert (planned["description"], planned["due_date"]) == (
        action["description"],
        action["due_date"],
    )
    assert first["party_agency_ids"] == sorted(
        {with_children["referring_agency_id"], s.police["id"], s.housing["id"]}
    )
    assert items[1]["party_agency_ids"] == [items[1]["case"]["referring_agency_id"]]


def test_a_voice_not_obtained_is_minuted_with_its_reason(client: Any) -> None:
    s = sitting(client)
    meeting = make_meeting(client, s.panel["id"], "2026-12-17T10:00:00Z")
    listing = list_case(client, meeting["id"], make_case(client, s.panel["id"])["id"])
    record_voice(client, listing["id"], not_obtained_reason="no_safe_contact", contact_attempts=3)
    move(client, meeting["id"], "publish-agenda", "start")
    voice = read_minutes(client, meeting["id"])["items"][0]["victim_voice"]
    assert (voice["obtained"], voice["not_obtained_reason"], voice["contact_attempts"]) == (
        False,
        "no_safe_contact",
        3,
    )


def test_the_minutes_never_carry_the_victims_contact_details(client: Any) -> None:
    s = sitting(client)
    meeting = make_meeting(client, s.panel["id"], "2026-12-17T10:00:00Z")
    school = {"date_of_birth": "2018-02-02", "school": "Hill Primary"}
    case = make_case(client, s.panel["id"], children=[school])
    ok(client.put(f"/api/cases/{case['id']}/victim-contact", json=CONTACT))
    listing = list_case(client, meeting["id"], case["id"])
    record_voice(client, listing["id"], **VOICE)
    move(client, meeting["id"], "publish-agenda", "start")
    save_minutes(client, listing["id"], 0, "He knows where she works.")
    url = f"/api/meetings/{meeting['id']}/minutes"
    draft = client.get(url).text
    move(client, meeting["id"], "close", "approve-minutes")
    approved = client.get(url, params={"version": 1}).text
    for text in (draft, approved):
        assert VOICE["fears"] in text and "He knows where she works." in text
        for value in (*CONTACT.values(), "Hill Primary", VOICE["contact_means"]):
            assert value not in text, value
        for field in (
            "address",
            "phone",
            "postcode",
            "safe_times",
            "school",
            "contact_means",
            "contact_date",
        ):
            assert f'"{field}' not in text, field


def test_the_review_keeps_the_two_kinds_of_not_completed_apart(client: Any) -> None:
    from panel_service.actions.schemas import ActionStatusUpdate
    from panel_service.actions.services import set_action_status
    from panel_service.actions.tables import ActionStatus

    s = sitting(client, starts_at="2026-12-03T10:00:00Z")
    following = make_meeting(client, s.panel["id"], "2026-12-17T10:00:00Z")
    actions = {
        name: make_action(client, s.listing_id, agency_id=agency["id"])
        for name, agency in (
            ("changed", s.housing),
            ("not_done", s.police),
            ("open", s.police),
            ("done", s.housing),
        )
    }
    move(client, s.meeting_id, "close")  # rolls the case forward for review
    reports = {
        "changed": ("not_completed_circumstances_changed", "She moved out of the area."),
        "not_done": ("not_completed_not_done", "No officer was free to visit."),
        "done": ("completed", ""),
    }
    for name, (status, note) in reports.items():
        update = ActionStatusUpdate(status=ActionStatus(status), note=note)
        call_service(client, set_action_status, actions[name]["id"], update, date(2026, 12, 10))
    move(client, following["id"], "publish-agenda", "start")

    minutes = read_minutes(client, following["id"])
    assert minutes["items"] == []
    [review] = minutes["actions_review"]
    assert (review["kind"], review["section"], review["case"]["id"]) == (
        "actions_review",
        "actions_review",
        s.listing["case_id"],
    )
    reviewed = {a["id"]: a for a in review["reviewed_actions"]}
    assert {name: reviewed[a["id"]]["status"] for name, a in actions.items()} == {
        "changed": "not_completed_circumstances_changed",
        "not_done": "not_completed_not_done",
        "open": "open",
        "done": "completed",
    }
    assert reviewed[actions["changed"]["id"]]["outcome_note"] == "She moved out of the area."
    assert reviewed[actions["not_done"]["id"]]["outcome_note"] == "No officer was free to visit."
    assert reviewed[actions["done"]["id"]]["closed_on"] == "2026-12-10"
    assert all(a["agreed_at_meeting_id"] == s.meeting_id for a in reviewed.values())
    assert s.police["id"] in review["party_agency_ids"]
    assert s.housing["id"] in review["party_agency_ids"]


def test_an_action_closed_before_the_last_sitting_is_not_reviewed_again(client: Any) -> None:
    from panel_service.actions.schemas import ActionStatusUpdate
    from panel_service.actions.services import set_action_status
    from panel_service.actions.tables import ActionStatus

    s = sitting(client, starts_at="2026-12-03T10:00:00Z")
    following = make_meeting(client, s.panel["id"], "2026-12-17T10:00:00Z")
    early = make_action(client, s.listing_id)
    late = make_action(client, s.listing_id)
    completed = ActionStatusUpdate(status=ActionStatus.COMPLETED)
    call_service(client, set_action_status, early["id"], completed, date(2026, 12, 2))
    move(client, s.meeting_id, "close")
    move(client, following["id"], "publish-agenda", "start")
    [review] = read_minutes(client, following["id"])["actions_review"]
    assert [a["id"] for a in review["reviewed_actions"]] == [late["id"]]


def test_perpetrator_panel_minutes_list_subjects_and_their_activities(client: Any) -> None:
    listing = sitting_subject_listing(client)
    action = make_action(client, listing["id"], owner_name="Dee")
    minutes = read_minutes(client, listing["meeting_id"])
    assert minutes["meeting"]["panel_kind"] == "perpetrator_panel"
    [item] = minutes["items"]
    assert (item["kind"], item["section"], item["case"], item["victim_voice"]) == (
        "perpetrator",
        "perpetrators",
        None,
        None,
    )
    subject = item["subject"]
    assert subject["id"] == listing["subject_id"]
    assert subject["name"].startswith("Simon Subject")
    assert (subject["victim_case_references"], subject["victims_without_case"]) == ([], 1)
    assert set(subject["drive_clocks"]) == {"response", "initial_assessment", "plan_sign_off"}
    [planned] = item["action_plan"]
    assert (planned["id"], planned["category"], planned["sub_area"]) == (
        action["id"],
        "disruption",
        "information_sharing_with_police",
    )
    assert subject["referring_agency_id"] in item["party_agency_ids"]


def test_reading_the_minutes_is_audited_on_the_meeting_and_each_case(client: Any) -> None:
    s = sitting(client)
    read_minutes(client, s.meeting_id)
    [event] = [
        e
        for e in audit_events(client, record_type="meeting", record_id=s.meeting_id)
        if e["verb"] == "viewed_minutes"
    ]
    assert event["detail"] == {"meeting_id": s.meeting_id, "version": None}
    case_events = audit_events(client, record_type="case", record_id=s.listing["case_id"])
    assert case_events[0]["verb"] == "viewed_minutes"


def test_agencies_party_to_a_listing_are_its_referrer_action_owners_and_sharers(
    client: Any,
) -> None:
    from panel_service.minutes.build import build_minutes
    from panel_service.minutes.schemas import agencies_party_to
    from tests.support.calls import on_app_loop

    s = sitting(client)
    save_minutes(client, s.listing_id, 0, shared=((s.police["id"], "Known to us."),))
    make_action(client, s.listing_id, agency_id=s.housing["id"])
    [item] = on_app_loop(client, build_minutes, s.meeting_id).items
    referrer = item.case.referring_agency_id
    assert agencies_party_to(item) == {referrer, s.police["id"], s.housing["id"]}


@pytest.mark.parametrize("role", ["agency_representative", "idva", "administrator"])
def test_only_the_panels_staff_read_the_full_minutes(client: Any, role: str) -> None:
    s = sitting(client)
    coordinator = acting_user_id(client)
    move(client, s.meeting_id, "close", "approve-minutes")
    if role == "idva":
        idva = make_user(client, "idva", s.police["id"])
        meeting = make_meeting(client, s.panel["id"], "2026-12-17T10:00:00Z")
        case = make_case(client, s.panel["id"], assigned_idva_id=idva["id"])
        list_case(client, meeting["id"], case["id"])
        act_as(client, idva["id"])
        urls = [f"/api/meetings/{meeting['id']}/minutes"]
        ok(client.get(f"/api/meetings/{s.meeting_id}/minutes"), 404)
        statuses = 403
    elif role == "agency_representative":
        become(client, role, s.police["id"])
        urls = [f"/api/meetings/{s.meeting_id}/minutes"]
        statuses = 403
    else:
        become(client, role)
        urls = [f"/api/meetings/{s.meeting_id}/minutes"]
        statuses = 404
    for url in urls:
        ok(client.get(url), statuses)
        ok(client.get(url, params={"version": 1}), statuses)
        ok(client.get(f"{url}/versions"), statuses)
    act_as(client, coordinator)
    refusals = [e for e in audit_events(client) if e["verb"] == "refused"]
    assert len(refusals) >= 3


def test_an_unrelated_representative_gets_404(client: Any) -> None:
    s = sitting(client)
    become(client, "agency_representative", make_agency(client, "education")["id"])
    ok(client.get(f"/api/meetings/{s.meeting_id}/minutes"), 404)


def test_building_the_minutes_takes_the_same_statements_for_one_case_or_three(
    client: Any,
) -> None:
    from panel_service.db import get_engine
    from panel_service.minutes.build import build_minutes
    from tests.support.calls import on_app_loop

    s = sitting(client, starts_at="2026-12-03T10:00:00Z")
    busy = make_meeting(client, s.panel["id"], "2026-12-17T10:00:00Z")
    listings = [
        list_case(client, busy["id"], make_case(client, s.panel["id"])["id"]) for _ in range(3)
    ]
    for listing in listings:
        record_voice(client, listing["id"])
    move(client, busy["id"], "publish-agenda", "start")
    for listing in (s.listing, *listings):
        save_minutes(client, listing["id"], 0, "Risk", shared=((s.police["id"], "Info"),))
        make_action(client, listing["id"], agency_id=s.housing["id"])

    async def statements(meeting_id: int) -> int:
        engine = get_engine()
        before = engine.queries_run
        minutes = await build_minutes(meeting_id)
        assert all(item.action_plan and item.information_shared for item in minutes.items)
        return engine.queries_run - before

    one, three = (on_app_loop(client, statements, m) for m in (s.meeting_id, busy["id"]))
    assert len(read_minutes(client, busy["id"])["items"]) == 3
    assert one == three <= 6
