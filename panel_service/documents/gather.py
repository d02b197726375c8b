"""Reading what a document shows, as the caller may see it, in a fixed number of statements.

The agenda comes from the meetings domain (``load_agenda``: what ``read_agenda`` serves,
filtered for the caller, so an IDVA or a case manager keeps only their own items, in their
real slots). Nothing is audited here: the verb audits exactly what ends up in the
document, once the document is built. Actions are read with
``list_actions`` as the caller, so its access filter applies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from panel_service import db
from panel_service.accounts.actor import Actor
from panel_service.accounts.tables import User
from panel_service.actions.queries import list_actions
from panel_service.actions.schemas import ActionFilters, ActionRead
from panel_service.actions.tables import Action, ActionStatus
from panel_service.agencies.tables import Agency
from panel_service.cases.schemas import ClockStatus, DriveClocks
from panel_service.cases.subject_views import subjects_as_listed
from panel_service.cases.tables import Case, PerpetratorSubject, ReferralCriterion
from panel_service.documents.actions import (
    ActionLine,
    AgencyActionsContent,
    MeetingActionsContent,
)
from panel_service.documents.agenda_content import (
    ActionActivity,
    AgendaContent,
    CaseDetail,
    SubjectDetail,
)
from panel_service.documents.extracts import agency_extract, parties_of
from panel_service.documents.wording import CRITERION, rfgv_lines, short_day, words
from panel_service.errors import Invalid, NotFound
from panel_service.meetings.agenda import ACTIVE, agenda_statements, load_agenda
from panel_service.meetings.schemas import AgendaRead
from panel_service.meetings.tables import Listing, Meeting
from panel_service.pagination import PageParams
from panel_service.panels.tables import Panel

# An action list longer than this is not a document anyone reads; refuse rather than build.
MAX_ACTIONS = 5_000
_PAGE = 1_000


async def agency_name(agency_id: int) -> str:
    return (await _agency_names([agency_id]))[agency_id]


async def agenda_content(
    actor: Actor, meeting_id: int, agency_id: int | None, today: date | None = None
) -> AgendaContent:
    """The agenda as the caller may see it; for ``agency_id``, that agency's extract."""
    if agency_id is not None:
        return (await agency_agenda_contents(actor, meeting_id, [agency_id], today))[agency_id]
    today = today or date.today()
    return await _details(meeting_id, await load_agenda(actor, meeting_id, today), today)


async def agency_agenda_contents(
    actor: Actor, meeting_id: int, agency_ids: list[int], today: date | None = None
) -> dict[int, AgendaContent]:
    """Each agency's extract of the agenda; the agenda, and the details of what any of the
    extracts shows, read once for all."""
    today = today or date.today()
    agenda = await load_agenda(actor, meeting_id, today)
    names = await _agency_names(agency_ids)
    party = await parties_of(
        agency_ids,
        [item.case.id for item in agenda.items if item.case],
        [item.subject.id for item in agenda.items if item.subject],
    )
    cut = {
        agency_id: agency_extract(agenda, agency_id, party[agency_id]) for agency_id in agency_ids
    }
    shown = [item for extract in cut.values() for item in extract.items]
    details = await _details(meeting_id, msgspec.structs.replace(agenda, items=shown), today)
    extracts = {}
    for agency_id, extract in cut.items():
        cases = {item.case.id for item in extract.items if item.case}
        subjects = {item.subject.id for item in extract.items if item.subject}
        actions = {action.id for item in extract.items for action in item.open_actions}
        extracts[agency_id] = replace(
            details,
            agenda=extract,
            cases={k: v for k, v in details.cases.items() if k in cases},
            subjects={k: v for k, v in details.subjects.items() if k in subjects},
            activities={k: v for k, v in details.activities.items() if k in actions},
            agency=names[agency_id],
        )
    return extracts


async def _details(meeting_id: int, agenda: AgendaRead, today: date) -> AgendaContent:
    """The agenda with what its documents show of each case, subject and action."""
    cases = {item.case.id: item.case.assigned_idva_id for item in agenda.items if item.case}
    subject_ids = sorted({item.subject.id for item in agenda.items if item.subject})
    action_ids = sorted({action.id for item in agenda.items for action in item.open_actions})
    return AgendaContent(
        agenda=agenda,
        chair=await _chair(meeting_id),
        produced_on=today,
        cases=await _case_details(cases),
        subjects=await _subject_details(subject_ids),
        activities=await _activities(action_ids),
    )


async def _agency_names(agency_ids: list[int]) -> dict[int, str]:
    rows = await Agency.select(Agency.id, Agency.name).where(Agency.id.is_in(agency_ids))
    names = {r["id"]: str(r["name"]) for r in rows}
    for agency_id in agency_ids:
        if agency_id not in names:
            raise NotFound(f"agency {agency_id} not found")
    return names


async def _chair(meeting_id: int) -> str:
    row = (
        await Meeting.select(Meeting.chair.full_name.as_alias("chair"))
        .where(Meeting.id == meeting_id)
        .first()
    )
    return str(row["chair"] or "") if row else ""


async def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = await User.select(User.id, User.full_name).where(User.id.is_in(sorted(user_ids)))
    return {r["id"]: r["full_name"] for r in rows}


async def _case_details(cases: dict[int, int | None]) -> dict[int, CaseDetail]:
    """Each case's criteria and its IDVA's name (``cases``: case id -> IDVA's user id)."""
    if not cases:
        return {}
    criteria: dict[int, list[str]] = defaultdict(list)
    for row in (
        await ReferralCriterion.select(ReferralCriterion.case, ReferralCriterion.criterion)
        .where(ReferralCriterion.case.is_in(sorted(cases)))
        .order_by(ReferralCriterion.id)
    ):
        criteria[row["case"]].append(CRITERION.get(row["criterion"], words(row["criterion"])))
    idvas = await _names({idva for idva in cases.values() if idva is not None})
    return {
        case_id: CaseDetail(
            criteria=tuple(criteria[case_id]),
            idva=idvas.get(idva, "") if idva is not None else "",
        )
        for case_id, idva in cases.items()
    }


def _clock_lines(clocks: DriveClocks, zone: ZoneInfo) -> tuple[str, ...]:
    """Each Drive clock's status; the due date where it still matters (not yet met)."""
    lines = []
    for label, status, due in (
        ("48 hours", clocks.response.status, clocks.response.due.astimezone(zone).date()),
        ("10 working days", clocks.initial_assessment.status, clocks.initial_assessment.due),
        ("20 working days", clocks.plan_sign_off.status, clocks.plan_sign_off.due),
    ):
        met = status is ClockStatus.MET
        lines.append(f"{label}: {status.value}" + ("" if met else f", due {short_day(due)}"))
    return tuple(lines)


async def _subject_details(subject_ids: list[int]) -> dict[int, SubjectDetail]:
    if not subject_ids:
        return {}
    subjects = await subjects_as_listed(subject_ids, datetime.now(UTC))
    rows = list(subjects.values())
    agencies = {
        r["id"]: r["name"]
        for r in await Agency.select(Agency.id, Agency.name).where(
            Agency.id.is_in(sorted({r["referring_agency_id"] for r in rows}))
        )
    }
    zones = {
        r["id"]: ZoneInfo(r["timezone"])
        for r in await Panel.select(Panel.id, Panel.timezone).where(
            Panel.id.is_in(sorted({r["panel_id"] for r in rows}))
        )
    }
    return {
        row["id"]: SubjectDetail(
            referring_agency=agencies.get(row["referring_agency_id"], ""),
            status=words(row["status"]),
            pathway=words(row["pathway"]) if row["pathway"] else "",
            victims=tuple(ref or "Victim without a MARAC case" for ref in row["victim_cases"]),
            clocks=_clock_lines(row["clocks"], zones[row["panel_id"]]),
            rfgv=rfgv_lines(row["rfgv"]),
        )
        for row in rows
    }


async def _activities(action_ids: list[int]) -> dict[int, ActionActivity]:
    if not action_ids:
        return {}
    rows = await Action.select(Action.id, Action.category, Action.sub_area).where(
        Action.id.is_in(action_ids) & Action.category.is_not_null()
    )
    return {r["id"]: ActionActivity(r["category"], r["sub_area"]) for r in rows}


# --- action lists ----------------------------------------------------------------------
async def _all_actions(actor: Actor, filters: ActionFilters, today: date) -> list[ActionRead]:
    """Every action matching ``filters`` that the caller may see, soonest due first."""
    found: list[ActionRead] = []
    offset = 0
    while True:
        page = await list_actions(actor, PageParams(limit=_PAGE, offset=offset), filters, today)
        if page.total > MAX_ACTIONS:
            raise Invalid(
                f"{page.total} actions are too many for one document (at most {MAX_ACTIONS})"
            )
        found.extend(page.items)
        offset += _PAGE
        if offset >= page.total or not page.items:
            return found


async def _lines(actions: Iterable[ActionRead]) -> list[ActionLine]:
    """Each action with its case's or subject's reference and the meeting that agreed it."""
    actions = list(actions)
    case_ids = sorted({a.case_id for a in actions if a.case_id})
    subject_ids = sorted({a.subject_id for a in actions if a.subject_id})
    meeting_ids = sorted({a.meeting_id for a in actions})
    references: dict[tuple[str, int], str] = {}
    if case_ids:
        for r in await Case.select(Case.id, Case.reference).where(Case.id.is_in(case_ids)):
            references["case", r["id"]] = r["reference"]
    if subject_ids:
        for r in await PerpetratorSubject.select(
            PerpetratorSubject.id, PerpetratorSubject.reference
        ).where(PerpetratorSubject.id.is_in(subject_ids)):
            references["subject", r["id"]] = r["reference"]
    meetings: dict[int, dict[str, Any]] = {}
    if meeting_ids:
        for r in await Meeting.select(
            Meeting.id,
            Meeting.starts_at,
            Meeting.panel.name.as_alias("panel_name"),
            Meeting.panel.timezone.as_alias("timezone"),
        ).where(Meeting.id.is_in(meeting_ids)):
            meetings[r["id"]] = r
    lines = []
    for action in actions:
        if action.case_id:
            reference = references.get(("case", action.case_id), "")
        else:
            reference = references.get(("subject", action.subject_id or 0), "")
        meeting = meetings.get(action.meeting_id)
        lines.append(
            ActionLine(
                action=action,
                reference=reference,
                panel_name=meeting["panel_name"] if meeting else "",
                agreed_on=_local_day(meeting["starts_at"], meeting["timezone"])
                if meeting
                else None,
            )
        )
    return lines


def _local_day(value: Any, zone: str) -> date:
    moment = msgspec.convert(value, datetime)
    return moment.astimezone(ZoneInfo(zone)).date()


async def meeting_actions_content(
    actor: Actor, meeting_id: int, agency_id: int, today: date | None = None
) -> MeetingActionsContent:
    """One agency's actions agreed at the meeting, and its open actions from earlier
    meetings on the cases and subjects listed there (reviewed at it)."""
    today = today or date.today()
    meeting_sql = agenda_statements(meeting_id)[0]
    meetings = await db.fetch(meeting_sql[0], *meeting_sql[1])
    if not meetings:
        raise NotFound(f"meeting {meeting_id} not found")
    meeting = meetings[0]
    agency = await agency_name(agency_id)
    agreed = await _all_actions(
        actor, ActionFilters(agency_id=agency_id, meeting_id=meeting_id), today
    )
    listed = await Listing.select(Listing.case, Listing.subject).where(
        (Listing.meeting == meeting_id) & Listing.outcome.is_in(list(ACTIVE))
    )
    cases = {r["case"] for r in listed if r["case"]}
    subjects = {r["subject"] for r in listed if r["subject"]}
    still_open = await _all_actions(
        actor, ActionFilters(agency_id=agency_id, status=ActionStatus.OPEN), today
    )
    reviewed = [
        a
        for a in still_open
        if a.meeting_id != meeting_id and (a.case_id in cases or a.subject_id in subjects)
    ]
    return MeetingActionsContent(
        agency=agency,
        panel_name=meeting["panel_name"],
        meeting_day=_local_day(meeting["starts_at"], meeting["timezone"]),
        produced_on=today,
        agreed=await _lines(agreed),
        reviewed=await _lines(reviewed),
    )


async def agency_actions_content(
    actor: Actor, agency_id: int, today: date | None = None
) -> AgencyActionsContent:
    """Every open action of the agency that the caller may see."""
    today = today or date.today()
    agency = await agency_name(agency_id)
    still_open = await _all_actions(
        actor, ActionFilters(agency_id=agency_id, status=ActionStatus.OPEN), today
    )
    lines = await _lines(still_open)
    return AgencyActionsContent(
        agency=agency,
        produced_on=today,
        open=lines,
        panels=tuple(sorted({line.panel_name for line in lines if line.panel_name})),
    )
