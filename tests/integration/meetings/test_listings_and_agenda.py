"""Listings and the agenda: order, slots, capacity, the victim's voice and roll-forward."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support.accounts import audit_events, make_agency
from tests.support.calls import ok, on_app_loop
from tests.support.cases import make_case
from tests.support.meetings import list_case, make_meeting, move, record_voice
from tests.support.panels import make_panel

CHILD = {"date_of_birth": "2019-03-04", "relationship_to_victim": "daughter"}


def add_action(client: Any, listing_id: int, case_id: int, status: str = "open") -> int:
    """An action agreed at a listing (written straight to the table: the actions API is
    tested on its own)."""
    from panel_service.actions.tables import Action
    from panel_service.agencies.tables import Agency

    async def insert() -> int:
        agency = await Agency.select(Agency.id).first()
        assert agency is not None
        action = Action(
            listing=listing_id,
            case=case_id,
            agency=agency["id"],
            description="Flag the address for urgent police response",
            due_date=date(2026, 11, 1),
            status=status,
        )
        await action.save()
        return int(action.id)

    return on_app_loop(client, insert)


def test_the_agenda_takes_reviews_then_children_then_adults_then_lapse_reviews(
    client: Any,
) -> None:
    panel = make_panel(client, minutes_per_case=10)
    earlier = make_meeting(client, panel["id"], "2026-11-19T10:00:00Z")
    meeting = make_meeting(client, panel["id"], "2026-12-03T10:00:00Z")
    adult = make_case(client, panel["id"])
    lapse = make_case(client, panel["id"])
    family = make_case(client, panel["id"], children=[CHILD])
    reviewed = make_case(client, panel["id"])
    for case in (adult, family):
        list_case(client, meeting["id"], case["id"])
    list_case(client, meeting["id"], lapse["id"], lapse_review=True)
    old = list_case(client, earlier["id"], reviewed["id"])
    add_action(client, old["id"], reviewed["id"])
    record_voice(client, old["id"])
    move(client, earlier["id"], "publish-agenda", "start", "close")  # rolls the action forward

    agenda = ok(client.get(f"/api/meetings/{meeting['id']}/agenda"))
    assert [(i["section"], i["case"]["id"]) for i in agenda["items"]] == [
        ("actions_review", reviewed["id"]),
        ("cases_with_children", family["id"]),
        ("adult_only_cases", adult["id"]),
        ("lapse_reviews", lapse["id"]),
    ]
    assert [i["slot_start"] for i in agenda["items"]] == [
        "2026-12-03T10:00:00Z",
        "2026-12-03T10:10:00Z",
        "2026-12-03T10:20:00Z",
        "2026-12-03T10:30:00Z",
    ]
    assert agenda["items"][0]["open_actions"][0]["overdue"] is True
    assert agenda["listed_cases"] == 3  # the review does not take a case place


def test_slots_follow_the_panels_minutes_per_case_in_local_time(client: Any) -> None:
    panel = make_panel(client, minutes_per_case=15)
    meeting = make_meeting(client, panel["id"], "2026-07-02T10:00:00+01:00")
    for _ in range(2):
        list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    items = ok(client.get(f"/api/meetings/{meeting['id']}/agenda"))["items"]
    assert [(i["slot_start"], i["slot_end"]) for i in items] == [
        ("2026-07-02T10:00:00+01:00", "2026-07-02T10:15:00+01:00"),
        ("2026-07-02T10:15:00+01:00", "2026-07-02T10:30:00+01:00"),
    ]


def test_a_full_meeting_refuses_further_listings(client: Any) -> None:
    panel = make_panel(client, max_cases_per_meeting=2)
    meeting = make_meeting(client, panel["id"])
    for _ in range(2):
        list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    extra = make_case(client, panel["id"])
    response = client.post(f"/api/meetings/{meeting['id']}/listings", json={"case_id": extra["id"]})
    body = ok(response, 409)
    assert "full" in body["message"]
    assert len(ok(client.get(f"/api/meetings/{meeting['id']}/listings"))["items"]) == 2


def test_a_withdrawn_listing_frees_its_place(client: Any) -> None:
    panel = make_panel(client, max_cases_per_meeting=1)
    meeting = make_meeting(client, panel["id"])
    first = list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    ok(client.post(f"/api/listings/{first['id']}/outcome", json={"outcome": "withdrawn"}))
    list_case(client, meeting["id"], make_case(client, panel["id"])["id"])


def test_a_case_is_listed_once_per_meeting_and_only_on_its_own_panel(client: Any) -> None:
    panel, other = make_panel(client), make_panel(client)
    meeting = make_meeting(client, panel["id"])
    case = make_case(client, panel["id"])
    list_case(client, meeting["id"], case["id"])
    url = f"/api/meetings/{meeting['id']}/listings"
    assert ok(client.post(url, json={"case_id": case["id"]}), 409)["errors"][0]["field"] == (
        "case_id"
    )
    foreign = make_case(client, other["id"])
    assert ok(client.post(url, json={"case_id": foreign["id"]}), 422)["errors"][0]["field"] == (
        "case_id"
    )


def test_a_repeat_referral_is_listed_as_a_repeat(client: Any) -> None:
    panel = make_panel(client)
    first = make_case(client, panel["id"], referral_date="2026-01-05")
    repeat = make_case(
        client,
        panel["id"],
        referral_date="2026-06-05",
        victim_id=first["victim"]["id"],
        perpetrator_id=first["perpetrator"]["id"],
    )
    meeting = make_meeting(client, panel["id"])
    assert list_case(client, meeting["id"], repeat["id"])["kind"] == "repeat"


def test_the_agenda_cannot_be_published_while_a_case_lacks_the_victims_voice(
    client: Any,
) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    heard = list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    silent_case = make_case(client, panel["id"])
    silent = list_case(client, meeting["id"], silent_case["id"])
    record_voice(client, heard["id"])

    body = ok(client.post(f"/api/meetings/{meeting['id']}/publish-agenda"), 409)
    assert [b["listing_id"] for b in body["blocking_listings"]] == [silent["id"]]
    assert silent_case["reference"] in body["message"]
    assert ok(client.get(f"/api/meetings/{meeting['id']}"))["status"] == "scheduled"
    agenda = ok(client.get(f"/api/meetings/{meeting['id']}/agenda"))
    assert agenda["ready_to_publish"] is False

    record_voice(client, silent["id"], not_obtained_reason="no_safe_contact", contact_attempts=3)
    assert move(client, meeting["id"], "publish-agenda")["status"] == "agenda_published"


def test_a_case_listed_after_publication_must_have_a_voice_before_the_meeting_starts(
    client: Any,
) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    move(client, meeting["id"], "publish-agenda")
    late = list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    ok(client.post(f"/api/meetings/{meeting['id']}/start"), 409)
    record_voice(client, late["id"], not_obtained_reason="declined")
    assert move(client, meeting["id"], "start")["status"] == "in_session"


def test_a_victims_voice_needs_views_or_a_reason_and_says_how_contact_was_made(
    client: Any,
) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    listing = list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    url = f"/api/listings/{listing['id']}/victim-voice"
    assert ok(client.put(url, json={}), 422)["errors"][0]["field"] == "views"
    no_date = {"views": "Wants to move", "contact_means": "phone"}
    assert ok(client.put(url, json=no_date), 422)["errors"][0]["field"] == "contact_date"
    both = {"views": "x", "not_obtained_reason": "declined"}
    assert ok(client.put(url, json=both), 422)["errors"][0]["field"] == "not_obtained_reason"
    no_attempts = {"not_obtained_reason": "no_safe_contact"}
    assert ok(client.put(url, json=no_attempts), 422)["errors"][0]["field"] == "contact_attempts"
    ok(client.get(url), 404)


def test_reading_the_victims_voice_is_audited(client: Any) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    listing = list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    record_voice(client, listing["id"])
    voice = ok(client.get(f"/api/listings/{listing['id']}/victim-voice"))
    assert voice["obtained"] is True
    verbs = [e["verb"] for e in audit_events(client, record_type="victim_voice")]
    assert verbs == ["viewed", "created"]


def test_a_deferral_needs_a_reason_and_hearing_needs_the_meeting_in_session(
    client: Any,
) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    listing = list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    url = f"/api/listings/{listing['id']}/outcome"
    assert ok(client.post(url, json={"outcome": "deferred"}), 422)["errors"][0]["field"] == (
        "deferral_reason"
    )
    ok(client.post(url, json={"outcome": "heard"}), 409)
    record_voice(client, listing["id"])
    move(client, meeting["id"], "publish-agenda", "start")
    assert ok(client.post(url, json={"outcome": "heard"}))["outcome"] == "heard"


def test_listing_on_the_next_meeting_skips_one_too_soon_to_research_and_one_full(
    client: Any,
) -> None:
    panel = make_panel(client, max_cases_per_meeting=1, research_working_days=5)
    # "Today" is when the test runs: build meetings relative to it.
    today = date.today()
    soon = make_meeting(client, panel["id"], f"{_days(today, 2)}T10:00:00Z")
    full = make_meeting(client, panel["id"], f"{_days(today, 14)}T10:00:00Z")
    free = make_meeting(client, panel["id"], f"{_days(today, 28)}T10:00:00Z")
    list_case(client, full["id"], make_case(client, panel["id"])["id"])
    case = make_case(client, panel["id"])
    listing = ok(client.post(f"/api/cases/{case['id']}/listings/next-meeting"), 201)
    assert listing["meeting_id"] == free["id"]
    assert soon["id"] not in (listing["meeting_id"],)


def _days(start: date, days: int) -> str:
    from datetime import timedelta

    return (start + timedelta(days=days)).isoformat()


def test_incomplete_actions_roll_forward_to_the_next_meeting_of_the_same_panel(
    client: Any,
) -> None:
    panel, other = make_panel(client), make_panel(client)
    make_agency(client)
    first = make_meeting(client, panel["id"], "2026-11-19T10:00:00Z")
    make_meeting(client, other["id"], "2026-11-26T10:00:00Z")
    second = make_meeting(client, panel["id"], "2026-12-03T10:00:00Z")
    open_case, done_case, relisted = (make_case(client, panel["id"]) for _ in range(3))
    for case, status in ((open_case, "open"), (done_case, "completed"), (relisted, "open")):
        listing = list_case(client, first["id"], case["id"])
        add_action(client, listing["id"], case["id"], status)
        record_voice(client, listing["id"])
    list_case(client, second["id"], relisted["id"])

    move(client, first["id"], "publish-agenda", "start", "close")
    listings = ok(client.get(f"/api/meetings/{second['id']}/listings"))["items"]
    assert sorted((entry["case_id"], entry["kind"]) for entry in listings) == sorted(
        [(open_case["id"], "actions_review"), (relisted["id"], "new")]
    )
    again = ok(client.post(f"/api/meetings/{first['id']}/roll-forward"))
    assert again == []


def test_the_agenda_runs_the_same_number_of_queries_for_3_or_40_cases(client: Any) -> None:
    from panel_service.db import get_engine

    panel = make_panel(client, max_cases_per_meeting=40)
    small, large = (
        make_meeting(client, panel["id"], s)
        for s in ("2026-12-03T10:00:00Z", "2026-12-17T10:00:00Z")
    )
    for meeting, count in ((small, 3), (large, 40)):
        for n in range(count):
            case = make_case(client, panel["id"], children=[CHILD] if n % 2 else [])
            listing = list_case(client, meeting["id"], case["id"])
            add_action(client, listing["id"], case["id"])
            if n % 3:
                record_voice(client, listing["id"])

    def statements(meeting_id: int) -> int:
        engine = get_engine()
        before = engine.queries_run
        agenda = ok(client.get(f"/api/meetings/{meeting_id}/agenda"))
        assert all(item["open_actions"] for item in agenda["items"])
        return engine.queries_run - before

    assert len(ok(client.get(f"/api/meetings/{large['id']}/agenda"))["items"]) == 40
    assert statements(small["id"]) == statements(large["id"])
    assert statements(large["id"]) <= 8


def test_a_review_of_incomplete_actions_needs_no_fresh_victim_voice(client: Any) -> None:
    panel = make_panel(client)
    first = make_meeting(client, panel["id"], "2026-11-19T10:00:00Z")
    second = make_meeting(client, panel["id"], "2026-12-03T10:00:00Z")
    case = make_case(client, panel["id"])
    listing = list_case(client, first["id"], case["id"])
    add_action(client, listing["id"], case["id"])
    record_voice(client, listing["id"])
    move(client, first["id"], "publish-agenda", "start", "close")
    review = ok(client.get(f"/api/meetings/{second['id']}/agenda"))["items"][0]
    assert (review["section"], review["victim_voice"]) == ("actions_review", "not_required")
    assert move(client, second["id"], "publish-agenda")["status"] == "agenda_published"
