"""The victim's contact details and the children's schools: restricted fields.

They are kept out of every other response; reading them is audited separately
("viewed_restricted"), and only the people who contact or protect the victim may do it
(see ``panel_service.access``).
"""

from __future__ import annotations

from typing import Any, cast

import msgspec

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.audit.trail import record_event
from panel_service.cases.schemas import ChildSchool, VictimContactRead, VictimContactWrite
from panel_service.cases.tables import Case, Child, VictimContact
from panel_service.errors import NotFound
from panel_service.records import fetch_row


async def store_victim_contact(person_id: int, data: VictimContactWrite) -> None:
    """Create or replace a victim's contact details, inside the caller's transaction."""
    values: dict[str, Any] = msgspec.structs.asdict(data)
    if await VictimContact.exists().where(VictimContact.person == person_id):
        await VictimContact.update(cast(dict[Any, Any], values)).where(
            VictimContact.person == person_id
        )
    else:
        await VictimContact(person=person_id, **values).save()


async def get_victim_contact(actor: Actor, case_id: int) -> VictimContactRead:
    """The case's victim's contact details and the children's schools (audited)."""
    await access.check(actor, access.Record.CASE, case_id, access.Right.VIEW_RESTRICTED)
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
    await access.check(actor, access.Record.CASE, case_id, access.Right.EDIT_RESTRICTED)
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
