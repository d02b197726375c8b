"""The agenda as a Word document: the full one for the meeting's staff, an agency's extract
for that agency, marked and paged on every page, cases in the panel's order."""

from __future__ import annotations

from typing import Any

from tests.integration.documents.reading import (
    MARKING,
    W,
    body_text,
    check_marked,
    document_of,
    download,
    exact_filename,
    tables_with_repeating_header,
)
from tests.integration.documents.scenario import agenda_url, extract_url, marac_meeting
from tests.support.accounts import act_as, acting_user_id, audit_events, make_user
from tests.support.calls import ok
from tests.support.cases import make_case
from tests.support.meetings import list_case, record_voice


def test_the_full_agenda_lists_every_section_in_the_panels_order(client: Any) -> None:
    world = marac_meeting(client)
    response = download(client, agenda_url(world))
    document = document_of(response)
    check_marked(document, world.panel["name"])
    assert exact_filename(response) == f"{world.panel['name']} agenda 2026-12-03.docx"

    text = body_text(document)
    assert "MARAC agenda" in text and "Thursday 3 December 2026" in text
    assert "Civic Centre, Room 4" in text and "10:00 to 13:00" in text
    assert "confidential" in text.lower()
    for agency in (world.police, world.housing, world.social_care):
        assert agency["name"] in text
    headings = [
        "1. Introductions and confidentiality statement",
        "2. Review of incomplete actions",
        "3. Cases with children",
        "4. Adult-only cases",
        "5. 12-month lapse reviews",
        "6. Any other business",
    ]
    references = [
        world.reviewed["reference"],
        world.family["reference"],
        world.adult["reference"],
        world.lapse["reference"],
    ]
    positions = [text.index(marker) for marker in headings]
    assert positions == sorted(positions)
    found = [text.index(reference) for reference in references]
    assert found == sorted(found)
    # Each case sits under its own section's heading.
    for reference, heading, following in zip(references, headings[1:5], headings[2:6], strict=True):
        assert text.index(heading) < text.index(reference) < text.index(following)
    # The action under review, with its owner; a case's particulars.
    assert "Housing to fit a door alarm at the victim's home" in text
    assert world.family["victim"]["full_name"] in text
    assert "Visible high risk" in text

    tables = tables_with_repeating_header(document)
    assert len(tables) == 4  # the review and the three case sections
    case_table = tables[1]
    assert [c.text for c in case_table.rows[0].cells][:3] == ["Slot", "Case", "Type"]
    assert case_table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert all(row._tr.find(f"{W}trPr/{W}tblHeader") is None for row in case_table.rows[1:])

    events = audit_events(client, record_type="meeting", record_id=world.meeting["id"])
    downloads = [e for e in events if e["verb"] == "downloaded"]
    assert len(downloads) == 1
    assert downloads[0]["detail"]["document"] == "agenda"
    viewed = audit_events(client, record_type="case", record_id=world.adult["id"])
    assert any(e["verb"] == "viewed_on_agenda" for e in viewed)


def test_an_agency_extract_holds_only_the_cases_it_is_party_to(client: Any) -> None:
    world = marac_meeting(client)
    housing_rep = make_user(client, "agency_representative", agency_id=world.housing["id"])
    act_as(client, housing_rep["id"])

    response = download(client, extract_url(world, world.housing))
    document = document_of(response)
    check_marked(document, world.panel["name"])
    text = body_text(document)
    assert f"Extract for {world.housing['name']}" in text
    # Housing owns the rolled-forward action and the one agreed on the family case.
    assert world.reviewed["reference"] in text
    assert world.family["reference"] in text
    assert world.adult["reference"] not in text
    assert world.lapse["reference"] not in text
    assert world.adult["victim"]["full_name"] not in text
    # Of the open actions, only housing's own.
    assert "Police to flag the address" not in text
    assert exact_filename(response).endswith(f"{world.housing['name']}.docx")

    events = audit_events(client, record_type="meeting", record_id=world.meeting["id"])
    download_event = next(e for e in events if e["verb"] == "downloaded")
    assert download_event["actor_id"] == housing_rep["id"]
    assert download_event["detail"]["agency_id"] == world.housing["id"]
    assert download_event["recipients"] == [world.housing["name"]]
    # Only the cases in the extract are recorded as consulted.
    assert not any(
        e["verb"] == "viewed_on_agenda" and e["actor_id"] == housing_rep["id"]
        for e in audit_events(client, record_type="case", record_id=world.adult["id"])
    )


def test_a_representative_gets_no_other_agencys_extract_and_no_full_agenda(client: Any) -> None:
    world = marac_meeting(client)
    world_coordinator = acting_user_id(client)
    rep = make_user(client, "agency_representative", agency_id=world.housing["id"])
    act_as(client, rep["id"])

    download(client, extract_url(world, world.police), 404)
    refused = audit_events(client, record_type="agency", record_id=world.police["id"])
    assert [e["actor_id"] for e in refused if e["verb"] == "refused"] == [rep["id"]]

    response = client.get(agenda_url(world))
    assert response.status_code in (403, 404)
    assert any(
        e["verb"] == "refused" and e["actor_id"] == rep["id"]
        for e in audit_events(client, record_type="meeting", record_id=world.meeting["id"])
    )
    # A meeting their agency is not invited to is not there for them at all.
    from tests.support.meetings import make_meeting
    from tests.support.panels import make_panel

    act_as(client, world_coordinator)
    elsewhere = make_meeting(client, make_panel(client)["id"])
    act_as(client, rep["id"])
    download(
        client, f"/api/meetings/{elsewhere['id']}/agencies/{world.housing['id']}/agenda.docx", 404
    )


def test_the_police_extract_holds_the_cases_police_referred(client: Any) -> None:
    world = marac_meeting(client)
    text = body_text(document_of(download(client, extract_url(world, world.police))))
    for case in (world.reviewed, world.adult, world.lapse):
        assert case["reference"] in text
    assert world.family["reference"] not in text
    assert "Housing to fit a door alarm" not in text  # housing's action, not police's


def test_an_idva_sees_only_their_own_case_in_their_services_extract(client: Any) -> None:
    from tests.support.accounts import make_agency
    from tests.support.panels import make_panel

    idva_service = make_agency(client, "idva_service")
    idva = make_user(client, "idva", agency_id=idva_service["id"])
    panel = make_panel(client, agency_ids=[idva_service["id"]])
    from tests.support.meetings import make_meeting

    meeting = make_meeting(client, panel["id"])
    mine = make_case(client, panel["id"], assigned_idva_id=idva["id"])
    other = make_case(client, panel["id"], referring_agency_id=idva_service["id"])
    for case in (other, mine):
        record_voice(client, list_case(client, meeting["id"], case["id"])["id"])

    act_as(client, idva["id"])
    url = f"/api/meetings/{meeting['id']}/agencies/{idva_service['id']}/agenda.docx"
    text = body_text(document_of(download(client, url)))
    assert mine["reference"] in text
    assert other["reference"] not in text
    # The case keeps its slot in the whole agenda: it is second.
    assert "10:10" in text


def test_a_perpetrator_panel_agenda_lists_subjects_clocks_and_actions_by_activity(
    client: Any,
) -> None:
    from tests.support.actions import make_action, sitting_subject_listing

    listing = sitting_subject_listing(client)
    make_action(client, listing["id"], description="Police to share bail conditions with Drive")
    make_action(
        client,
        listing["id"],
        description="Drive to refer him to the substance misuse service",
        category="support",
        sub_area="substance_misuse",
    )
    response = download(client, f"/api/meetings/{listing['meeting_id']}/agenda.docx")
    document = document_of(response)
    text = body_text(document)
    assert "Perpetrator panel agenda" in text
    assert "3. Perpetrators" in text
    assert "48 hours" in text and "10 working days" in text and "20 working days" in text
    support, disruption = text.index("Support"), text.index("Disruption")
    assert support < text.index("substance misuse service") < disruption
    assert disruption < text.index("Police to share bail conditions")
    assert "Behaviour change" in text
    header = "".join(t.text or "" for t in document.sections[0].header._element.iter(f"{W}t"))
    assert MARKING in header


def test_a_perpetrator_panel_agenda_shows_rfg_v_where_recorded(client: Any) -> None:
    from tests.support.actions import sitting_subject_listing

    listing = sitting_subject_listing(client)
    path = f"/api/meetings/{listing['meeting_id']}/agenda.docx"
    assert "RFG-V" not in body_text(document_of(download(client, path)))
    inputs = {
        "days_since_last_incident": 10,
        "incidents_last_12_months": 6,
        "most_serious_gravity": 4,
        "victims": 2,
    }
    for stage, inputs_at in (("entry", inputs), ("exit", {**inputs, "victims": 1})):
        body = {"stage": stage, "assessed_on": "2026-04-01", "inputs": inputs_at}
        ok(client.post(f"/api/perpetrator-subjects/{listing['subject_id']}/rfgv", json=body), 201)
    text = body_text(document_of(download(client, path)))
    assert "RFG-V at entry: 36" in text and "RFG-V at exit: 32 (-4)" in text
