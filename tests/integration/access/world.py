"""A small world for the authorisation matrix: one user of each role, and "sides" of
records — the records inside every role's scope (``in``) and records no role is tied to
(``out``).

A side is two panels (a MARAC and a perpetrator panel) with their meetings, cases, perpetrator
subjects, listings and actions. On the ``in`` side the role users hold the relationships the
rules are about: coordinator and chair run both panels, the service manager runs the
perpetrator panel, the representative's agency is invited to every meeting and owns the
actions, the IDVA is assigned to the MARAC cases, the case manager manages the accepted
subject. The ``out`` side has the same shape with none of those ties. The records are made
by a separate "builder" coordinator, who is no role user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support.accounts import act_as, make_agency, make_user
from tests.support.actions import make_action
from tests.support.calls import ok, on_app_loop
from tests.support.cases import make_case, make_subject
from tests.support.meetings import list_case, make_meeting, move, record_voice
from tests.support.panels import make_panel

ROLES = (
    "administrator",
    "coordinator",
    "chair",
    "agency_representative",
    "idva",
    "case_manager",
    "service_manager",
)
STAFF = frozenset({"coordinator", "chair"})


@dataclass
class World:
    client: Any
    builder: int
    users: dict[str, int] = field(default_factory=dict)
    agencies: dict[str, int] = field(default_factory=dict)


def build_world(client: Any) -> World:
    """The role users and their agencies; sides are added by ``build_side``."""
    agencies = {
        "representative": make_agency(client, "police")["id"],
        "idva": make_agency(client, "idva_service")["id"],
        "drive": make_agency(client, "perpetrator_programme")["id"],
    }
    agency_of = {
        "agency_representative": agencies["representative"],
        "idva": agencies["idva"],
        "case_manager": agencies["drive"],
    }
    users = {role: make_user(client, role, agency_of.get(role))["id"] for role in ROLES}
    builder = make_user(client, "coordinator", full_name="Bea Builder")["id"]
    return World(client=client, builder=builder, users=users, agencies=agencies)


def _join_staff(client: Any, panel_id: int, user_id: int) -> None:
    from panel_service.accounts.actor import SYSTEM
    from panel_service.panels.schemas import StaffAdd
    from panel_service.panels.services import add_staff

    on_app_loop(client, add_staff, SYSTEM, panel_id, StaffAdd(user_id=user_id))


async def _failed_email(panel_id: int, meeting_id: int, agency_id: int) -> int:
    """A message of the panel's outbox that the relay refused (so it can be retried)."""
    import uuid

    from panel_service.messaging.tables import OutboxMessage

    message = OutboxMessage(
        channel="email",
        kind="agenda_published",
        panel=panel_id,
        meeting=meeting_id,
        agency=agency_id,
        recipient="rep@agency.example",
        message_id=f"<{uuid.uuid4().hex}@panel.example>",
        status="failed",
        last_error="550 5.7.1 Rejected",
    )
    await message.save()
    return int(message.id)


def build_side(world: World, inside: bool) -> dict[str, Any]:
    """One side's records, keyed by name; made by the builder, who stays acting after."""
    client, users = world.client, world.users
    act_as(client, world.builder)
    agency = world.agencies["representative"] if inside else make_agency(client, "police")["id"]
    idva = users["idva"] if inside else make_user(client, "idva", world.agencies["idva"])["id"]
    marac = make_panel(client, agency_ids=[agency])
    perpetrator = make_panel(client, kind="perpetrator_panel", agency_ids=[agency])
    if inside:
        for runner in STAFF:
            _join_staff(client, marac["id"], users[runner])
            _join_staff(client, perpetrator["id"], users[runner])
        _join_staff(client, perpetrator["id"], users["service_manager"])

    # A scheduled MARAC meeting with a case listed and its victim's voice recorded.
    meeting = make_meeting(client, marac["id"], "2027-01-14T10:00:00Z")
    case = make_case(client, marac["id"], assigned_idva_id=idva)
    listing = list_case(client, meeting["id"], case["id"])
    record_voice(client, listing["id"])
    ok(client.put(f"/api/cases/{case['id']}/victim-contact", json={"phone": "07700 900123"}))
    # A MARAC meeting in session, an action agreed on its case for the agency.
    sitting = make_meeting(client, marac["id"], "2027-01-28T10:00:00Z")
    sitting_case = make_case(client, marac["id"], assigned_idva_id=idva)
    sitting_listing = list_case(client, sitting["id"], sitting_case["id"])
    record_voice(client, sitting_listing["id"])
    move(client, sitting["id"], "publish-agenda", "start")
    action = make_action(client, sitting_listing["id"], agency_id=agency)
    # A later MARAC meeting with nothing listed yet.
    empty = make_meeting(client, marac["id"], "2027-02-11T10:00:00Z")

    # The perpetrator panel: an accepted subject with a case manager, listed on a sitting
    # meeting with an action for the agency; and a subject still awaiting the decision.
    manager = (
        users["case_manager"]
        if inside
        else make_user(client, "case_manager", world.agencies["drive"])["id"]
    )
    subject = make_subject(client, perpetrator["id"])
    ok(
        client.post(
            f"/api/perpetrator-subjects/{subject['id']}/decision",
            json={"outcome": "accept", "pathway": "engaging", "case_manager_id": manager},
        )
    )
    perpetrator_meeting = make_meeting(client, perpetrator["id"], "2027-01-21T10:00:00Z")
    perpetrator_listing = ok(
        client.post(
            f"/api/meetings/{perpetrator_meeting['id']}/listings",
            json={"subject_id": subject["id"]},
        ),
        201,
    )
    move(client, perpetrator_meeting["id"], "publish-agenda", "start")
    perpetrator_action = make_action(client, perpetrator_listing["id"], agency_id=agency)
    undecided = make_subject(client, perpetrator["id"])

    member = make_user(client, "agency_representative", agency)["id"]
    outbox = on_app_loop(client, _failed_email, marac["id"], meeting["id"], agency)
    return {
        "outbox": outbox,
        "agency": agency,
        "unused_agency": make_agency(client, "housing")["id"],
        "member": member,
        "marac": marac["id"],
        "perpetrator_panel": perpetrator["id"],
        "meeting": meeting["id"],
        "case": case["id"],
        "victim": case["victim"]["id"],
        "listing": listing["id"],
        "sitting": sitting["id"],
        "sitting_case": sitting_case["id"],
        "sitting_listing": sitting_listing["id"],
        "action": action["id"],
        "empty_meeting": empty["id"],
        "subject": subject["id"],
        "subject_victim": subject["victims"][0]["victim_id"],
        "undecided_subject": undecided["id"],
        "perpetrator_meeting": perpetrator_meeting["id"],
        "perpetrator_listing": perpetrator_listing["id"],
        "perpetrator_action": perpetrator_action["id"],
    }
