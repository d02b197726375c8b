"""A MARAC meeting with every section of the agenda filled, made through the API as the
acting coordinator: an incomplete action rolled forward for review, a case with children,
an adult-only case and a 12-month lapse review, three invited agencies, and actions agreed
at the meeting itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.accounts import make_agency
from tests.support.actions import make_action
from tests.support.cases import make_case
from tests.support.meetings import list_case, make_meeting, move, record_voice
from tests.support.panels import make_panel

CHILD = {"date_of_birth": "2019-03-04", "relationship_to_victim": "daughter"}
CONTACT = {
    "address": "14 Larkspur Close, Northtown",
    "postcode": "NT4 9QZ",
    "phone": "07700 900461",
    "safe_to_call": True,
    "safe_times": "Weekday mornings after the school run",
    "safe_contacts": "Her sister Morwenna Tregarthen",
    "unsafe_contacts": "His brother Castellan Drury",
    "feared_people": "His cousin Peregrine Voss",
}
SCHOOL = "Saint Ebba's Primary Academy"


@dataclass
class Marac:
    panel: dict[str, Any]
    meeting: dict[str, Any]
    earlier: dict[str, Any]
    police: dict[str, Any]
    housing: dict[str, Any]
    social_care: dict[str, Any]
    reviewed: dict[str, Any]
    family: dict[str, Any]
    adult: dict[str, Any]
    lapse: dict[str, Any]
    rolled_action: dict[str, Any]
    agreed_action: dict[str, Any]
    police_action: dict[str, Any]


def marac_meeting(client: Any, *, housing_name: str | None = None, sitting: bool = True) -> Marac:
    police = make_agency(client, "police")
    housing = make_agency(client, "housing", **({"name": housing_name} if housing_name else {}))
    social_care = make_agency(client, "childrens_social_care")
    panel = make_panel(client, agency_ids=[police["id"], housing["id"], social_care["id"]])
    earlier = make_meeting(client, panel["id"], "2026-11-19T10:00:00Z")
    meeting = make_meeting(client, panel["id"], "2026-12-03T10:00:00Z")

    reviewed = make_case(client, panel["id"], referring_agency_id=police["id"])
    old = list_case(client, earlier["id"], reviewed["id"])
    record_voice(client, old["id"])
    move(client, earlier["id"], "publish-agenda", "start")
    rolled_action = make_action(
        client,
        old["id"],
        agency_id=housing["id"],
        description="Housing to fit a door alarm at the victim's home",
        due_date="2026-11-30",
    )
    move(client, earlier["id"], "close")  # rolls the open action forward to ``meeting``

    family = make_case(
        client,
        panel["id"],
        referring_agency_id=social_care["id"],
        children=[{**CHILD, "school": SCHOOL}],
        victim_contact=CONTACT,
    )
    adult = make_case(client, panel["id"], referring_agency_id=police["id"])
    lapse = make_case(client, panel["id"], referring_agency_id=police["id"])
    listings = {
        "family": list_case(client, meeting["id"], family["id"]),
        "adult": list_case(client, meeting["id"], adult["id"]),
        "lapse": list_case(client, meeting["id"], lapse["id"], lapse_review=True),
    }
    for listing in listings.values():
        record_voice(client, listing["id"])
    agreed_action = police_action = {}
    if sitting:
        move(client, meeting["id"], "publish-agenda", "start")
        agreed_action = make_action(
            client,
            listings["family"]["id"],
            agency_id=housing["id"],
            description="Housing to offer a management transfer to the victim",
            due_date="2026-12-17",
        )
        police_action = make_action(
            client,
            listings["adult"]["id"],
            agency_id=police["id"],
            description="Police to flag the address for an urgent response",
            due_date="2026-12-10",
        )
    return Marac(
        panel=panel,
        meeting=meeting,
        earlier=earlier,
        police=police,
        housing=housing,
        social_care=social_care,
        reviewed=reviewed,
        family=family,
        adult=adult,
        lapse=lapse,
        rolled_action=rolled_action,
        agreed_action=agreed_action,
        police_action=police_action,
    )


def agenda_url(world: Marac) -> str:
    return f"/api/meetings/{world.meeting['id']}/agenda.docx"


def extract_url(world: Marac, agency: dict[str, Any]) -> str:
    return f"/api/meetings/{world.meeting['id']}/agencies/{agency['id']}/agenda.docx"


def actions_url(world: Marac, agency: dict[str, Any]) -> str:
    return f"/api/meetings/{world.meeting['id']}/agencies/{agency['id']}/actions.docx"


def open_actions_url(agency: dict[str, Any]) -> str:
    return f"/api/agencies/{agency['id']}/actions.docx"


def all_urls(world: Marac) -> list[str]:
    """Every document of the meeting, for every agency."""
    urls = [agenda_url(world)]
    for agency in (world.police, world.housing, world.social_care):
        urls += [extract_url(world, agency), actions_url(world, agency), open_actions_url(agency)]
    return urls
