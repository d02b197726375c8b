"""The minutes as Word documents: the full minutes for the chair and coordinators (draft
until approved, then each approved version), and each agency's extract holding only its
cases, its own information and actions and the risks; never the victim's voice in an
extract, and never the victim's contact details anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from panel_service.documents.render import pdf_available
from tests.conftest import BACKEND
from tests.integration.documents.reading import (
    all_xml,
    body_text,
    check_marked,
    document_of,
    download,
    exact_filename,
    part_text,
    pdf_pages,
)
from tests.integration.documents.scenario import CHILD, CONTACT, SCHOOL
from tests.integration.minutes.builders import save_minutes
from tests.support.accounts import act_as, audit_events, make_agency, make_user
from tests.support.actions import make_action, set_status, sitting_subject_listing
from tests.support.calls import ok, on_app_loop
from tests.support.cases import make_case
from tests.support.meetings import list_case, make_meeting, move, record_voice
from tests.support.panels import make_panel

DRAFT = "DRAFT \u2014 not approved"
VOICE = {
    "views": "Wants him kept away from the school gates.",
    "wishes": "To keep her tenancy.",
    "fears": "That he will find out where the children go to school.",
    "safety_concerns": "He still has a key to the back door.",
    "contact_date": "2026-11-20",
    "contact_means": "Mobile, through her sister's phone",
}
POLICE_SHARED = "Two call-outs since October; bail conditions end in January."
HOUSING_SHARED = "Rent arrears; a management transfer is possible."
CARE_SHARED = "Child protection plan in place since June."
RISKS = "Escalating threats since the separation; risk at contact handovers."
ADULT_RISKS = "Stalking at her workplace."
CHANGED_NOTE = "She moved out of the area before the fitter could call."
NOT_DONE_NOTE = "No officer was free to visit."
DEFERRAL = "Referrer's representative absent"


@dataclass
class World:
    panel: dict[str, Any]
    meeting: dict[str, Any]
    police: dict[str, Any]
    housing: dict[str, Any]
    care: dict[str, Any]
    reviewed: dict[str, Any]
    family: dict[str, Any]
    adult: dict[str, Any]
    deferred: dict[str, Any]
    listings: dict[str, dict[str, Any]]
    chair: dict[str, Any]


def minutes_world(client: Any, housing_name: str | None = None) -> World:
    """A MARAC meeting in session: attendance recorded (present, apologies with
    information sent, absent, an observer), a review of three actions from the previous
    sitting (completed, and each kind of "not completed"), two cases heard with their
    minutes and actions, and one deferred."""
    police = make_agency(client, "police")
    housing = make_agency(client, "housing", **({"name": housing_name} if housing_name else {}))
    care = make_agency(client, "childrens_social_care")
    panel = make_panel(client, agency_ids=[police["id"], housing["id"], care["id"]])
    chair = make_user(client, "chair", full_name="Chris Chairperson")
    earlier = make_meeting(client, panel["id"], "2026-11-19T10:00:00Z")
    body = {"panel_id": panel["id"], "starts_at": "2026-12-03T10:00:00Z", "chair_id": chair["id"]}
    meeting = ok(client.post("/api/meetings", json=body), 201)

    reviewed = make_case(client, panel["id"], referring_agency_id=police["id"])
    old = list_case(client, earlier["id"], reviewed["id"])
    record_voice(client, old["id"])
    move(client, earlier["id"], "publish-agenda", "start")
    earlier_actions = {
        status: make_action(client, old["id"], agency_id=agency["id"], description=text)
        for status, agency, text in (
            ("not_completed_circumstances_changed", housing, "Housing to fit a door alarm"),
            ("not_completed_not_done", police, "Police to visit the victim's mother"),
            ("completed", care, "Social care to complete a child and family assessment"),
        )
    }
    move(client, earlier["id"], "close")
    for status, note in (
        ("not_completed_circumstances_changed", CHANGED_NOTE),
        ("not_completed_not_done", NOT_DONE_NOTE),
        ("completed", ""),
    ):
        set_status(client, earlier_actions[status]["id"], status, note)

    family = make_case(
        client,
        panel["id"],
        referring_agency_id=care["id"],
        children=[{**CHILD, "school": SCHOOL}],
        victim_contact=CONTACT,
    )
    ok(client.put(f"/api/cases/{family['id']}/victim-contact", json=CONTACT))
    adult = make_case(client, panel["id"], referring_agency_id=police["id"])
    deferred = make_case(client, panel["id"], referring_agency_id=police["id"])
    listings = {
        "adult": list_case(client, meeting["id"], adult["id"]),
        "family": list_case(client, meeting["id"], family["id"]),
        "deferred": list_case(client, meeting["id"], deferred["id"]),
    }
    record_voice(client, listings["family"]["id"], **VOICE)
    record_voice(
        client, listings["adult"]["id"], not_obtained_reason="declined", contact_attempts=2
    )
    record_voice(client, listings["deferred"]["id"])
    attendance = f"/api/meetings/{meeting['id']}/attendance"
    ok(
        client.put(
            f"{attendance}/{police['id']}",
            json={
                "status": "present",
                "attendee_name": "DS Pat Quill",
                "confidentiality_signed": True,
            },
        )
    )
    ok(
        client.put(
            f"{attendance}/{housing['id']}",
            json={"status": "apologies_information_sent", "information_sent_on": "2026-12-01"},
        )
    )
    ok(client.put(f"{attendance}/{care['id']}", json={"status": "absent"}))
    ok(
        client.post(
            f"/api/meetings/{meeting['id']}/observers",
            json={"attendee_name": "Olu Observer", "confidentiality_signed": True},
        ),
        201,
    )
    move(client, meeting["id"], "publish-agenda", "start")
    outcome = {"outcome": "deferred", "deferral_reason": DEFERRAL}
    ok(client.post(f"/api/listings/{listings['deferred']['id']}/outcome", json=outcome))
    make_action(
        client,
        listings["family"]["id"],
        agency_id=housing["id"],
        description="Housing to offer a management transfer",
        due_date="2026-12-17",
        owner_name="Sam Tenancy",
    )
    make_action(
        client,
        listings["family"]["id"],
        agency_id=care["id"],
        description="Social care to convene a strategy meeting",
        due_date="2026-12-10",
    )
    make_action(
        client,
        listings["adult"]["id"],
        agency_id=police["id"],
        description="Police to flag the address for an urgent response",
        due_date="2026-12-10",
    )
    shared = ((police["id"], POLICE_SHARED), (housing["id"], HOUSING_SHARED))
    save_minutes(
        client, listings["family"]["id"], 0, RISKS, shared=(*shared, (care["id"], CARE_SHARED))
    )
    save_minutes(
        client, listings["adult"]["id"], 0, ADULT_RISKS, shared=((police["id"], POLICE_SHARED),)
    )
    return World(
        panel, meeting, police, housing, care, reviewed, family, adult, deferred, listings, chair
    )


def minutes_url(world: World, version: int | None = None) -> str:
    url = f"/api/meetings/{world.meeting['id']}/minutes.docx"
    return f"{url}?version={version}" if version else url


def extract_url(world: World, agency: dict[str, Any], version: int | None = None) -> str:
    url = f"/api/meetings/{world.meeting['id']}/agencies/{agency['id']}/minutes.docx"
    return f"{url}?version={version}" if version else url


def header_text(document: Any) -> str:
    return part_text(document.sections[0].header._element)


def test_the_full_minutes_record_the_meeting_and_are_marked_draft(client: Any) -> None:
    world = minutes_world(client)
    response = download(client, minutes_url(world))
    assert exact_filename(response) == f"{world.panel['name']} minutes 2026-12-03 draft.docx"
    document = document_of(response)
    check_marked(document, world.panel["name"])
    assert DRAFT in header_text(document)
    text = body_text(document)
    assert text.count(DRAFT) >= 2  # at the top and at the end
    assert "MARAC minutes" in text and "Thursday 3 December 2026" in text
    assert "Civic Centre, Room 4" in text and "Chris Chairperson" in text
    # Attendance by agency, the confidentiality statement signed, observers.
    for expected in (
        "DS Pat Quill",
        "Present",
        "Signed",
        "Apologies, information sent",
        "on 1 Dec 2026",
        "Absent",
        "Olu Observer",
        "confidential",
    ):
        assert expected in text, expected
    # The review keeps the two kinds of "not completed" apart, each with its note.
    assert "Not completed \u2013 not possible, circumstances changed" in text
    assert "Not completed \u2013 the agency has not done it" in text
    assert CHANGED_NOTE in text and NOT_DONE_NOTE in text
    assert "Housing to fit a door alarm" in text and "Completed" in text
    # Cases in agenda order: children first; each with what was shared, the voice, risks
    # and the action plan.
    review, family, adult = (
        text.index(world.reviewed["reference"]),
        text.index(world.family["reference"]),
        text.index(world.adult["reference"]),
    )
    assert review < family < adult
    for expected in (
        POLICE_SHARED,
        HOUSING_SHARED,
        CARE_SHARED,
        RISKS,
        ADULT_RISKS,
        VOICE["views"],
        VOICE["wishes"],
        VOICE["fears"],
        VOICE["safety_concerns"],
        "The victim declined to take part",
        "2 safe contact attempts",
        "Housing to offer a management transfer",
        "Owner: Sam Tenancy",
        "17 Dec 2026",
        "Social care to convene a strategy meeting",
        "Police to flag the address for an urgent response",
        world.family["victim"]["full_name"],
    ):
        assert expected in text, expected
    assert family < text.index(VOICE["fears"]) < adult
    # Deferred, with the reason.
    assert world.deferred["reference"] in text and DEFERRAL in text

    events = audit_events(client, record_type="meeting", record_id=world.meeting["id"])
    [downloaded] = [e for e in events if e["verb"] == "downloaded"]
    assert downloaded["detail"]["document"] == "minutes"
    assert downloaded["detail"]["version"] is None
    viewed = audit_events(client, record_type="case", record_id=world.adult["id"])
    assert any(e["verb"] == "viewed_minutes" for e in viewed)


def test_approved_minutes_carry_their_version_and_every_version_stays_downloadable(
    client: Any,
) -> None:
    world = minutes_world(client)
    move(client, world.meeting["id"], "close", "approve-minutes")
    first = document_of(download(client, minutes_url(world)))
    marking = "Version 1, approved "
    text = body_text(first)
    assert marking in text and "by Coral Coordinator" in text
    assert DRAFT not in text and DRAFT not in header_text(first)
    assert marking in header_text(first)

    family = world.listings["family"]["id"]
    save_minutes(client, family, 1, "Corrected: risk at every handover.")
    draft = body_text(document_of(download(client, minutes_url(world))))
    assert DRAFT in draft and "Corrected: risk at every handover." in draft
    move(client, world.meeting["id"], "approve-minutes")

    response = download(client, minutes_url(world, 1))
    assert exact_filename(response).endswith("version 1.docx")
    again = body_text(document_of(response))
    assert marking in again and RISKS in again
    assert "Corrected: risk at every handover." not in again
    latest = body_text(document_of(download(client, minutes_url(world))))
    assert "Version 2, approved " in latest and "Corrected: risk at every handover." in latest
    assert ok(client.get(minutes_url(world, 3)), 404)["code"] == "not_found"
    download(client, extract_url(world, world.housing, 1))
    ok(client.get(extract_url(world, world.housing, 3)), 404)


def test_an_agency_extract_holds_only_its_cases_its_information_and_its_actions(
    client: Any,
) -> None:
    world = minutes_world(client)
    rep = make_user(client, "agency_representative", agency_id=world.housing["id"])
    act_as(client, rep["id"])
    response = download(client, extract_url(world, world.housing))
    assert exact_filename(response).endswith(f"draft {world.housing['name']}.docx")
    document = document_of(response)
    check_marked(document, world.panel["name"])
    assert DRAFT in header_text(document)
    text = body_text(document)
    assert f"Extract for {world.housing['name']}" in text
    # Housing: the reviewed case (its action) and the family case (its action, its
    # information); not the adult case, nor the deferred one.
    assert world.reviewed["reference"] in text and world.family["reference"] in text
    assert world.adult["reference"] not in text
    assert world.deferred["reference"] not in text and DEFERRAL not in text
    assert HOUSING_SHARED in text and RISKS in text
    assert "Housing to offer a management transfer" in text
    assert "Housing to fit a door alarm" in text and CHANGED_NOTE in text
    # Never the victim's voice, another agency's information or actions, or names.
    for absent in (
        *(VOICE[k] for k in ("views", "wishes", "fears", "safety_concerns")),
        POLICE_SHARED,
        CARE_SHARED,
        ADULT_RISKS,
        "Social care to convene a strategy meeting",
        "Police to visit the victim's mother",
        NOT_DONE_NOTE,
        "DS Pat Quill",
        "Olu Observer",
        world.family["victim"]["full_name"],
        "Victim's voice",
    ):
        assert absent not in text, absent
        assert absent not in all_xml(response.content), absent

    events = audit_events(client, record_type="meeting", record_id=world.meeting["id"])
    [downloaded] = [e for e in events if e["verb"] == "downloaded"]
    assert downloaded["actor_id"] == rep["id"]
    assert downloaded["detail"]["document"] == "agency_minutes"
    assert downloaded["detail"]["agency_id"] == world.housing["id"]
    assert downloaded["recipients"] == [world.housing["name"]]
    assert not any(
        e["verb"] == "viewed_minutes" and e["actor_id"] == rep["id"]
        for e in audit_events(client, record_type="case", record_id=world.adult["id"])
    )
    assert any(
        e["verb"] == "viewed_minutes" and e["actor_id"] == rep["id"]
        for e in audit_events(client, record_type="case", record_id=world.family["id"])
    )

    # Another agency's extract is 404 (audited), the full minutes 403.
    download(client, extract_url(world, world.police), 404)
    download(client, minutes_url(world), 403)


def test_the_police_extract_has_its_own_case_and_information(client: Any) -> None:
    world = minutes_world(client)
    text = body_text(document_of(download(client, extract_url(world, world.police))))
    assert world.adult["reference"] in text and world.family["reference"] in text
    assert POLICE_SHARED in text and ADULT_RISKS in text
    assert "Police to flag the address for an urgent response" in text
    assert "Police to visit the victim's mother" in text and NOT_DONE_NOTE in text
    for absent in (HOUSING_SHARED, CARE_SHARED, VOICE["fears"], "Housing to fit a door alarm"):
        assert absent not in text, absent


def test_no_minutes_document_carries_the_victims_contact_details(client: Any) -> None:
    world = minutes_world(client)
    urls = [minutes_url(world)] + [
        extract_url(world, a) for a in (world.police, world.housing, world.care)
    ]
    contents = [download(client, url).content for url in urls]
    move(client, world.meeting["id"], "close", "approve-minutes")
    contents += [download(client, minutes_url(world, 1)).content]
    contents += [download(client, extract_url(world, world.care, 1)).content]
    for content in contents:
        xml = all_xml(content)
        for value in (*(v for v in CONTACT.values() if isinstance(v, str)), SCHOOL):
            assert value not in xml, value
        assert VOICE["contact_means"] not in xml


def test_minutes_before_the_meeting_sits_are_refused_with_409(client: Any) -> None:
    panel = make_panel(client)
    meeting = make_meeting(client, panel["id"])
    list_case(client, meeting["id"], make_case(client, panel["id"])["id"])
    url = f"/api/meetings/{meeting['id']}/minutes.docx"
    assert ok(client.get(url), 409)["code"] == "conflict"
    agency = make_agency(client)
    ok(client.get(f"/api/meetings/{meeting['id']}/agencies/{agency['id']}/minutes.docx"), 409)
    ok(client.get("/api/meetings/99999/minutes.docx"), 404)


AGENCY = "Smith & Jones <Housing> Trust"
PERSON = (
    "Zoe\u0301 Al-Sayed \u0633\u0627\u0631\u0629 \u05e9\u05e8\u05d4"
    " \U0001f33b\U0001f44d\U0001f3fd \U0001f469\u200d\U0001f467"
)
PASTED = "Call the victim\x0b on her safe number\x0c before\x01 the\x1f hearing"
SHOWN = "Call the victim on her safe number before the hearing"
LONG = " ".join(f"word{n % 97}" for n in range(2_900))[:19_991] + " LONG-END"


def _write_raw(client: Any, listing_id: int, risks: str, shared: str) -> None:
    """Text straight into the tables, as an import or an older version would have left it."""
    from panel_service.minutes.tables import InformationShared, ListingMinutes

    async def update() -> None:
        await ListingMinutes.update({ListingMinutes.risks_identified: risks}).where(
            ListingMinutes.listing == listing_id
        )
        await InformationShared.update({InformationShared.text: shared}).where(
            InformationShared.listing == listing_id
        )

    on_app_loop(client, update)


def test_awkward_text_still_builds_every_minutes_document(client: Any) -> None:
    assert len(LONG) == 20_000
    world = minutes_world(client, housing_name=AGENCY)
    ok(client.patch(f"/api/people/{world.family['victim']['id']}", json={"full_name": PERSON}))
    pasted = PASTED + ("\x00 today" if BACKEND == "sqlite" else "")
    _write_raw(client, world.listings["family"]["id"], LONG, pasted)
    full = body_text(document_of(download(client, minutes_url(world))))
    assert AGENCY in full and PERSON in full and SHOWN in full
    assert LONG in full.split("\n")
    housing = body_text(document_of(download(client, extract_url(world, world.housing))))
    assert f"Extract for {AGENCY}" in housing and LONG in housing.split("\n")
    for forbidden in ("\x00", "\x0b", "\x0c", "\x01", "\x1f"):
        assert forbidden not in full + housing


def test_the_perpetrator_panels_minutes_list_subjects_and_group_actions(client: Any) -> None:
    listing = sitting_subject_listing(client)
    for category, sub_area, text in (
        ("support", "housing", "Find him supported accommodation"),
        ("disruption", "information_sharing_with_police", "Share sightings with police"),
        ("behaviour_change", None, "Refer him to a behaviour change programme"),
    ):
        body = {"category": category, "description": text}
        if sub_area:
            body["sub_area"] = sub_area
        else:
            body["sub_area"] = "focused_interventions_on_attitudes_beliefs_and_behaviour"
        make_action(client, listing["id"], **body)
    save_minutes(client, listing["id"], 0, "Breaches his bail at night.")
    response = download(client, f"/api/meetings/{listing['meeting_id']}/minutes.docx")
    text = body_text(document_of(response))
    subject = ok(client.get(f"/api/perpetrator-subjects/{listing['subject_id']}"))
    assert "Perpetrator panel minutes" in text and DRAFT in text
    assert "3. Perpetrators" in text and subject["reference"] in text
    assert "Drive clocks" in text and "48 hours: " in text
    assert "Breaches his bail at night." in text
    headings = ["4. Actions by activity", "Support", "Disruption", "Behaviour change"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert (
        text.index("Support")
        < text.index("Find him supported accommodation")
        < text.index("Disruption")
        < text.index("Share sightings with police")
        < text.index("Behaviour change")
        < text.index("Refer him to a behaviour change programme")
    )


needs_libreoffice = pytest.mark.skipif(
    not pdf_available(), reason="LibreOffice (soffice) is not installed here"
)


@needs_libreoffice
def test_the_pdf_minutes_carry_the_marking_on_the_first_and_last_page(client: Any) -> None:
    world = minutes_world(client)
    _write_raw(client, world.listings["family"]["id"], LONG, HOUSING_SHARED)
    pdf = download(client, f"{minutes_url(world)}?format=pdf").content
    pages = [" ".join(page.split()) for page in pdf_pages(pdf)]
    assert 2 <= len(pages) <= 20, len(pages)
    assert DRAFT in pages[0] and DRAFT in pages[-1]
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)
    move(client, world.meeting["id"], "close", "approve-minutes")
    pdf = download(client, f"{extract_url(world, world.housing, 1)}&format=pdf").content
    pages = [" ".join(page.split()) for page in pdf_pages(pdf)]
    assert "Version 1, approved" in pages[0] and "Version 1, approved" in pages[-1]
    assert DRAFT not in " ".join(pages)


def test_the_perpetrator_panels_minutes_show_rfg_v_where_recorded(client: Any) -> None:
    listing = sitting_subject_listing(client)
    inputs = {
        "days_since_last_incident": 10,
        "incidents_last_12_months": 6,
        "most_serious_gravity": 4,
        "victims": 2,
    }
    body = {"stage": "entry", "assessed_on": "2026-04-01", "inputs": inputs}
    ok(client.post(f"/api/perpetrator-subjects/{listing['subject_id']}/rfgv", json=body), 201)
    response = download(client, f"/api/meetings/{listing['meeting_id']}/minutes.docx")
    assert "RFG-V at entry: 36" in body_text(document_of(response))
