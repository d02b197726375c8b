"""The victim's contact details and the children's schools: restricted fields.

They are kept out of every other response; reading them is audited separately
("viewed_restricted"), and only roles that contact or protect the victim may do it.
"""

from __future__ import annotations

from typing import Any, cast

import msgspec

from panel_service import db
from panel_service.accounts.actor import Actor
from panel_service.accounts.tables import Role
from panel_service.audit.services import record_event
from panel_service.cases.schemas import ChildSchool, VictimContactRead, VictimContactWrite
from panel_service.cases.tables import Case, Child, VictimContact
from panel_service.errors import NotFound
from panel_service.records import fetch_row

# Perpetrator-panel staff and agency representatives never see where a victim is.
RESTRICTED_READERS = frozenset({Role.COORDINATOR, Role.CHAIR, Role.IDVA})


async def store_victim_contact(person_id: int, data: VictimContactWrite) -> None:
    """Create or replace a victim's contact details, inside the caller's transaction."""
    values: dict[str, Any] = msgspec.structs.asdict(data)
    if await VictimContact.exists().where(VictimContact.person == person_id):
        await VictimContact.update(cast(dict[Any, Any], values)).where(
            VictimContact.person == person_id
        )
    else:
        await VictimContact(person=person_id, **values).save()


async def _refuse_unless_allowed(actor: Actor, case_id: int) -> None:
    # Judged on the role alone, before the case is looked up, so a refusal does not
    # reveal whether the case exists.
    if actor.role in RESTRICTED_READERS:
        return
    # Written outside any transaction so the refusal itself stays on record.
    await record_event(actor, "refused", "case", case_id, {"what": "victim_contact"})
    # 404, as for any record outside the caller's scope: a 403 would confirm it exists.
    raise NotFound(f"case {case_id} not found")


async def get_victim_contact(actor: Actor, case_id: int) -> VictimContactRead:
    """The case's victim's contact details and the children's schools (audited)."""
    await _refuse_unless_allowed(actor, case_id)
    case = await fetch_row(Case, case_id, "case")
    contact = await VictimContact.select().where(VictimContact.person == case["victim"]).first()
    if contact is None:
        raise NotFound(f"no contact details are recorded for the victim of case {case_id}")
    schools = (
        await Child.select(Child.id, Child.school).where(Child.case == case_id).order_by(Child.id)
    )
    await record_event(
        actor, "viewed_restricted", "case", case_id, {"fields": ["victim_contact", "school"]}
    )
    return msgspec.convert(
        {
            **contact,
            "victim_id": case["victim"],
            "children_schools": [
                ChildSchool(child_id=s["id"], school=s["school"]) for s in schools
            ],
        },
        VictimContactRead,
        strict=False,
    )


async def put_victim_contact(
    actor: Actor, case_id: int, data: VictimContactWrite
) -> VictimContactRead:
    """Replace the victim's contact details (they belong to the victim, so every case of
    theirs shows the same ones)."""
    await _refuse_unless_allowed(actor, case_id)
    async with db.transaction():
        case = await fetch_row(Case, case_id, "case")
        await store_victim_contact(case["victim"], data)
        await record_event(
            actor,
            "updated_restricted",
            "case",
            case_id,
            {"fields": sorted(msgspec.structs.asdict(data))},
        )
    return await get_victim_contact(actor, case_id)
