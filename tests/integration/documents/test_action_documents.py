"""An agency's action lists as Word documents: one meeting's (agreed there, reviewed
there), and every open action of the agency; only its own actions, never another's."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.integration.documents.reading import (
    body_text,
    check_marked,
    document_of,
    download,
    exact_filename,
    tables_with_repeating_header,
)
from tests.integration.documents.scenario import actions_url, marac_meeting, open_actions_url
from tests.support.accounts import act_as, audit_events, make_user
from tests.support.actions import set_status


def test_a_meetings_action_list_holds_the_agencys_agreed_and_reviewed_actions(
    client: Any,
) -> None:
    world = marac_meeting(client)
    rep = make_user(client, "agency_representative", agency_id=world.housing["id"])
    act_as(client, rep["id"])

    response = download(client, actions_url(world, world.housing))
    document = document_of(response)
    check_marked(document, world.panel["name"])
    text = body_text(document)
    assert f"Actions for {world.housing['name']}" in text
    agreed_at = text.index("Actions agreed at this meeting")
    reviewed_at = text.index("Open actions reviewed at this meeting")
    assert agreed_at < text.index("Housing to offer a management transfer") < reviewed_at
    assert reviewed_at < text.index("Housing to fit a door alarm")
    assert world.family["reference"] in text and world.reviewed["reference"] in text
    assert "Overdue" not in text[: text.index("Housing to fit a door alarm")]
    # Police's action at the same meeting is police's business only.
    assert "Police to flag the address" not in text
    # Opaque references only: no victim is named on an action list.
    assert world.family["victim"]["full_name"] not in text
    assert len(tables_with_repeating_header(document)) == 2
    assert exact_filename(response) == (
        f"{world.panel['name']} actions 2026-12-03 {world.housing['name']}.docx"
    )

    events = audit_events(client, record_type="meeting", record_id=world.meeting["id"])
    event = next(e for e in events if e["verb"] == "downloaded")
    assert event["actor_id"] == rep["id"]
    assert event["detail"]["document"] == "agency_actions"
    assert event["detail"]["agency_id"] == world.housing["id"]
    assert event["recipients"] == [world.housing["name"]]

    download(client, actions_url(world, world.police), 404)


def test_an_agencys_open_actions_cover_every_meeting_and_leave_closed_ones_out(
    client: Any,
) -> None:
    world = marac_meeting(client)
    set_status(client, world.agreed_action["id"], "completed")
    coordinator_text = body_text(document_of(download(client, open_actions_url(world.housing))))
    assert "Housing to fit a door alarm" in coordinator_text
    assert "Housing to offer a management transfer" not in coordinator_text

    rep = make_user(client, "agency_representative", agency_id=world.housing["id"])
    act_as(client, rep["id"])
    response = download(client, open_actions_url(world.housing))
    document = document_of(response)
    check_marked(document, world.panel["name"])
    text = body_text(document)
    assert f"Open actions for {world.housing['name']}" in text
    assert "Housing to fit a door alarm" in text
    assert "Housing to offer a management transfer" not in text  # completed
    assert "Police to flag the address" not in text
    overdue = 1 if date.today() > date(2026, 11, 30) else 0  # the alarm is due 30 November
    assert f"1, of which {overdue} overdue" in text
    assert tables_with_repeating_header(document)

    events = audit_events(client, record_type="agency", record_id=world.housing["id"])
    mine = [e for e in events if e["verb"] == "downloaded" and e["actor_id"] == rep["id"]]
    assert len(mine) == 1
    assert mine[0]["detail"]["document"] == "agency_open_actions"
    assert mine[0]["recipients"] == [world.housing["name"]]


def test_a_representative_gets_404_for_another_agencys_open_actions_and_it_is_audited(
    client: Any,
) -> None:
    world = marac_meeting(client)
    rep = make_user(client, "agency_representative", agency_id=world.housing["id"])
    act_as(client, rep["id"])
    download(client, open_actions_url(world.police), 404)
    refused = [
        e
        for e in audit_events(client, record_type="agency", record_id=world.police["id"])
        if e["verb"] == "refused"
    ]
    assert [(e["actor_id"], e["detail"]["status"]) for e in refused] == [(rep["id"], 404)]
    assert not any(
        e["verb"] == "downloaded"
        for e in audit_events(client, record_type="agency", record_id=world.police["id"])
    )


def test_an_administrator_may_not_download_action_lists(client: Any) -> None:
    world = marac_meeting(client)
    admin = make_user(client, "administrator")
    act_as(client, admin["id"])
    assert client.get(open_actions_url(world.housing)).status_code == 403
    assert client.get(actions_url(world, world.housing)).status_code == 404
