"""An agency's extract of an agenda: only the cases and subjects the agency is party to,
and of their open actions only the agency's own (security.md: every document is built for
one recipient agency).

An agency is party to a case when it referred it, when its IDVA is assigned to it (the
IDVA service presents the victim's voice), or when it owns an action on it, open or not;
to a perpetrator subject when it referred the subject or owns an action on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from panel_service.actions.tables import Action
from panel_service.cases.tables import Case, PerpetratorSubject
from panel_service.meetings.schemas import AgendaRead


@dataclass(frozen=True, slots=True)
class Parties:
    """The cases and subjects (of those asked about) one agency is party to."""

    cases: frozenset[int]
    subjects: frozenset[int]


async def parties_of(
    agency_ids: list[int], case_ids: list[int], subject_ids: list[int]
) -> dict[int, Parties]:
    """For each agency, which of ``case_ids`` and ``subject_ids`` it is party to (five
    statements, whatever the number of agencies and cases)."""
    cases: dict[int, set[int]] = {agency: set() for agency in agency_ids}
    subjects: dict[int, set[int]] = {agency: set() for agency in agency_ids}
    if agency_ids and case_ids:
        referred = await Case.select(Case.id, Case.referring_agency.as_alias("agency")).where(
            Case.id.is_in(case_ids) & Case.referring_agency.is_in(agency_ids)
        )
        presented = await Case.select(Case.id, Case.assigned_idva.agency.as_alias("agency")).where(
            Case.id.is_in(case_ids) & Case.assigned_idva.agency.is_in(agency_ids)
        )
        owned = await Action.select(Action.case.as_alias("id"), Action.agency).where(
            Action.case.is_in(case_ids) & Action.agency.is_in(agency_ids)
        )
        for row in [*referred, *presented, *owned]:
            cases[row["agency"]].add(row["id"])
    if agency_ids and subject_ids:
        referred = await PerpetratorSubject.select(
            PerpetratorSubject.id, PerpetratorSubject.referring_agency.as_alias("agency")
        ).where(
            PerpetratorSubject.id.is_in(subject_ids)
            & PerpetratorSubject.referring_agency.is_in(agency_ids)
        )
        owned = await Action.select(Action.subject.as_alias("id"), Action.agency).where(
            Action.subject.is_in(subject_ids) & Action.agency.is_in(agency_ids)
        )
        for row in [*referred, *owned]:
            subjects[row["agency"]].add(row["id"])
    return {
        agency: Parties(frozenset(cases[agency]), frozenset(subjects[agency]))
        for agency in agency_ids
    }


def agency_extract(agenda: AgendaRead, agency_id: int, party: Parties) -> AgendaRead:
    """The agenda cut down to what the agency is party to; each item keeps its place and
    time slot in the full agenda."""
    items = []
    for item in agenda.items:
        if (item.case is not None and item.case.id in party.cases) or (
            item.subject is not None and item.subject.id in party.subjects
        ):
            own = [a for a in item.open_actions if a.agency_id == agency_id]
            items.append(msgspec.structs.replace(item, open_actions=own))
    return msgspec.structs.replace(agenda, items=items)
