"""What each role's responses hold: restricted fields never reach roles that must not see
them (checked on the JSON), and an IDVA or case manager sees only their own part of an
agenda."""

from __future__ import annotations

from typing import Any

from tests.integration.access.test_authorisation_matrix import MATRIX, _url
from tests.integration.access.world import ROLES, build_side, build_world
from tests.support.accounts import act_as
from tests.support.calls import ok
from tests.support.cases import make_case
from tests.support.meetings import list_case

# world.build_side records this as the in-scope case's victim's phone.
VICTIM_PHONE = "07700 900123"
RESTRICTED_READERS = {"coordinator", "chair", "idva"}


def test_victim_contact_details_reach_no_role_that_must_not_see_them(app_client: Any) -> None:
    world = build_world(app_client)
    side = {**build_side(world, inside=True), "inside": True}
    reads = [key for key in MATRIX if key.startswith("GET ") and MATRIX[key].record]
    for role in ROLES:
        act_as(app_client, world.users[role])
        for key in reads:
            params, _ = MATRIX[key].request(world, side, role)
            response = app_client.get(_url(key.split(" ", 1)[1], params))
            shown = VICTIM_PHONE in response.text
            allowed = role in RESTRICTED_READERS and key.endswith("/victim-contact")
            assert shown == (allowed and response.status_code == 200), (role, key)
        for listing in ("/api/cases", "/api/people", "/api/actions", "/api/meetings"):
            assert VICTIM_PHONE not in app_client.get(listing).text, (role, listing)


def test_an_idva_sees_only_their_own_cases_on_an_agenda(app_client: Any) -> None:
    world = build_world(app_client)
    side = build_side(world, inside=True)
    # Another IDVA's case on the same meeting.
    other = make_case(app_client, side["marac"])
    other_listing = list_case(app_client, side["meeting"], other["id"])

    act_as(app_client, world.users["coordinator"])
    everything = ok(app_client.get(f"/api/meetings/{side['meeting']}/agenda"))
    assert {item["case"]["id"] for item in everything["items"]} == {side["case"], other["id"]}

    act_as(app_client, world.users["idva"])
    agenda = ok(app_client.get(f"/api/meetings/{side['meeting']}/agenda"))
    assert [item["case"]["id"] for item in agenda["items"]] == [side["case"]]
    assert other["victim"]["full_name"] not in str(agenda)
    ok(app_client.get(f"/api/listings/{other_listing['id']}"), 404)
    ok(app_client.get(f"/api/cases/{other['id']}"), 404)
    listed = ok(app_client.get(f"/api/meetings/{side['meeting']}/listings"))["items"]
    assert [item["id"] for item in listed] == [side["listing"]]


def test_a_case_manager_sees_only_their_own_subjects_on_an_agenda(app_client: Any) -> None:
    from tests.support.cases import make_subject

    world = build_world(app_client)
    side = build_side(world, inside=True)
    meeting = ok(
        app_client.post(
            "/api/meetings",
            json={"panel_id": side["perpetrator_panel"], "starts_at": "2027-03-04T10:00:00Z"},
        ),
        201,
    )
    mine = side["subject"]
    theirs = make_subject(app_client, side["perpetrator_panel"])["id"]
    for subject in (mine, theirs):
        ok(
            app_client.post(
                f"/api/meetings/{meeting['id']}/listings", json={"subject_id": subject}
            ),
            201,
        )

    act_as(app_client, world.users["case_manager"])
    agenda = ok(app_client.get(f"/api/meetings/{meeting['id']}/agenda"))
    assert [item["subject"]["id"] for item in agenda["items"]] == [mine]


def test_an_agenda_read_is_in_each_listed_cases_access_log(app_client: Any) -> None:
    world = build_world(app_client)
    side = build_side(world, inside=True)
    act_as(app_client, world.users["agency_representative"])
    ok(app_client.get(f"/api/meetings/{side['meeting']}/agenda"))

    act_as(app_client, world.users["coordinator"])
    log = ok(app_client.get(f"/api/cases/{side['case']}/access-log"))["items"]
    seen = [e for e in log if e["verb"] == "viewed_on_agenda"]
    assert [(e["actor_id"], e["agency_id"]) for e in seen] == [
        (world.users["agency_representative"], world.agencies["representative"])
    ]
    assert seen[0]["detail"] == {"meeting_id": side["meeting"]}


def test_the_overdue_report_counts_only_what_the_caller_sees_and_each_action_once(
    app_client: Any,
) -> None:
    from tests.support.actions import make_action

    world = build_world(app_client)
    side = build_side(world, inside=True)
    build_side(world, inside=False)
    # An action the IDVA sees two ways: their service owns it, and it is on their case.
    make_action(app_client, side["sitting_listing"], agency_id=world.agencies["idva"])

    def report(role: str) -> dict[int, int]:
        act_as(app_client, world.users[role])
        rows = ok(app_client.get("/api/actions/overdue-by-agency"))
        return {row["agency_id"]: row["open"] for row in rows}

    rep, idva = world.agencies["representative"], world.agencies["idva"]
    assert report("agency_representative") == {rep: 2}
    assert report("idva") == {rep: 1, idva: 1}
    assert report("case_manager") == {rep: 1}
    assert report("coordinator") == {rep: 2, idva: 1}
    act_as(app_client, world.users["administrator"])
    ok(app_client.get("/api/actions/overdue-by-agency"), 403)


def test_reading_the_victims_voice_is_in_the_cases_access_log(app_client: Any) -> None:
    world = build_world(app_client)
    side = build_side(world, inside=True)
    act_as(app_client, world.users["idva"])
    ok(app_client.get(f"/api/listings/{side['listing']}/victim-voice"))

    act_as(app_client, world.users["coordinator"])
    log = ok(app_client.get(f"/api/cases/{side['case']}/access-log"))["items"]
    assert [(e["verb"], e["actor_id"]) for e in log if e["verb"] == "viewed_victim_voice"] == [
        ("viewed_victim_voice", world.users["idva"])
    ]
