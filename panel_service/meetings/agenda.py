"""A meeting's agenda: listings in the order the panel takes them, with their time slots,
victim-voice status, open actions and the agencies' attendance.

It runs a fixed number of statements whatever the number of cases: the SQL is written out
here (the benchmark's baseline runs the very same statements on a bare driver).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.audit.trail import record_events
from panel_service.cases.people import serial_perpetrator_ids
from panel_service.errors import NotFound
from panel_service.meetings.schemas import (
    AgendaAction,
    AgendaAttendance,
    AgendaCase,
    AgendaItem,
    AgendaRead,
    AgendaSubject,
)
from panel_service.meetings.services import minutes_due_on
from panel_service.meetings.tables import (
    AttendanceStatus,
    ListingKind,
    ListingOutcome,
    MeetingStatus,
)
from panel_service.panels.tables import PanelKind

MEETING_SQL = (
    "SELECT m.id, m.panel, m.starts_at, m.ends_at, m.venue, m.video_link, m.status,"
    " p.name AS panel_name, p.kind AS panel_kind, p.timezone, p.minutes_per_case,"
    " p.max_cases_per_meeting, p.minutes_deadline_working_days, p.nation"
    " FROM meeting m JOIN panel p ON p.id = m.panel WHERE m.id = {}"
)
LISTINGS_SQL = (
    'SELECT l.id, l.kind, l.outcome, l."case" AS case_id, l.subject AS subject_id,'
    " c.reference AS case_reference, c.is_repeat, c.dash_score, c.referral_date,"
    " c.assigned_idva AS idva_id, c.perpetrator AS perpetrator_id,"
    " v.full_name AS victim_name, v.date_of_birth AS victim_date_of_birth,"
    " pp.full_name AS perpetrator_name, ra.name AS referring_agency,"
    " s.reference AS subject_reference, s.person AS subject_person_id,"
    " sp.full_name AS subject_name,"
    ' (SELECT COUNT(*) FROM child ch WHERE ch."case" = l."case") AS children,'
    " vv.id AS voice_id, vv.not_obtained_reason"
    " FROM listing l"
    ' LEFT JOIN marac_case c ON c.id = l."case"'
    " LEFT JOIN person v ON v.id = c.victim"
    " LEFT JOIN person pp ON pp.id = c.perpetrator"
    " LEFT JOIN agency ra ON ra.id = c.referring_agency"
    " LEFT JOIN perpetrator_subject s ON s.id = l.subject"
    " LEFT JOIN person sp ON sp.id = s.person"
    " LEFT JOIN victim_voice vv ON vv.listing = l.id"
    " WHERE l.meeting = {} AND l.outcome IN ({}, {})"
    " ORDER BY l.id"
)
# Driven from the meeting's listings so each half uses an action (case|subject, status)
# index; the status is a literal (a constant, not input) for the same reason.
_OPEN_ACTIONS_OF = (
    'SELECT a.id AS id, a."case" AS case_id, a.subject AS subject_id, a.agency AS agency_id,'
    " ag.name AS agency_name, a.owner_name, a.description, a.due_date AS due_date"
    " FROM listing l JOIN action a ON a.{owner} = l.{owner} AND a.status = 'open'"
    " JOIN agency ag ON ag.id = a.agency"
    " WHERE l.meeting = {{}} AND l.outcome IN ({{}}, {{}})"
)
OPEN_ACTIONS_SQL = (
    _OPEN_ACTIONS_OF.format(owner='"case"')
    + " UNION ALL "
    + _OPEN_ACTIONS_OF.format(owner="subject")
    + " ORDER BY due_date, id"
)
ATTENDANCE_SQL = (
    "SELECT at.id, at.agency AS agency_id, ag.name AS agency_name, at.status,"
    " at.attendee_name, at.information_sent_on, at.confidentiality_signed"
    " FROM attendance at LEFT JOIN agency ag ON ag.id = at.agency"
    " WHERE at.meeting = {} ORDER BY ag.name, at.id"
)
ACTIVE = (ListingOutcome.LISTED.value, ListingOutcome.HEARD.value)


def agenda_statements(meeting_id: int) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements the agenda runs, with their arguments (shared with the benchmark)."""
    return [
        (MEETING_SQL, (meeting_id,)),
        (LISTINGS_SQL, (meeting_id, *ACTIVE)),
        (OPEN_ACTIONS_SQL, (meeting_id, *ACTIVE, meeting_id, *ACTIVE)),
        (ATTENDANCE_SQL, (meeting_id,)),
    ]


class Section(IntEnum):
    """The order of domain.md §2.3: incomplete actions, cases with children, adult-only
    cases, 12-month lapse reviews; perpetrator subjects after them."""

    ACTIONS_REVIEW = 1
    CASES_WITH_CHILDREN = 2
    ADULT_ONLY_CASES = 3
    LAPSE_REVIEWS = 4
    PERPETRATORS = 5


def section_of(kind: ListingKind, children: int) -> Section:
    if kind == ListingKind.ACTIONS_REVIEW:
        return Section.ACTIONS_REVIEW
    if kind == ListingKind.LAPSE_REVIEW:
        return Section.LAPSE_REVIEWS
    if kind == ListingKind.PERPETRATOR:
        return Section.PERPETRATORS
    return Section.CASES_WITH_CHILDREN if children else Section.ADULT_ONLY_CASES


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _voice(row: dict[str, Any]) -> tuple[str, str | None]:
    """obtained / not_obtained (with the reason) / missing, or not_required: a review of
    incomplete actions and a perpetrator subject need no fresh contact with the victim."""
    if row["voice_id"] is None:
        needed = row["case_id"] and row["kind"] != ListingKind.ACTIONS_REVIEW.value
        return ("missing" if needed else "not_required"), None
    if row["not_obtained_reason"]:
        return "not_obtained", row["not_obtained_reason"]
    return "obtained", None


async def read_agenda(actor: Actor, meeting_id: int, today: date | None = None) -> AgendaRead:
    """The agenda of one meeting, ordered and timed, in a fixed number of statements; each
    case and subject on it gets a "viewed_on_agenda" audit event."""
    await access.check(actor, access.Record.MEETING, meeting_id)
    agenda = await load_agenda(actor, meeting_id, today or date.today())
    seen = {"meeting_id": meeting_id}
    for record_type, ids in consulted(agenda.items):
        await record_events(actor, "viewed_on_agenda", record_type, ids, seen)
    return agenda


async def load_agenda(actor: Actor, meeting_id: int, today: date) -> AgendaRead:
    """The agenda as ``actor`` may see it, for a caller that has checked the meeting and
    audits what it shows: an IDVA or case manager gets only their own cases' and subjects'
    items, in their real slots."""
    meeting_sql, listings_sql, actions_sql, attendance_sql = agenda_statements(meeting_id)
    meetings = await db.fetch(meeting_sql[0], *meeting_sql[1])
    if not meetings:
        raise NotFound(f"meeting {meeting_id} not found")
    listings = await db.fetch(listings_sql[0], *listings_sql[1])
    actions = await db.fetch(actions_sql[0], *actions_sql[1])
    attendance = await db.fetch(attendance_sql[0], *attendance_sql[1])
    serial = await serial_perpetrator_ids(perpetrators_of(listings))
    agenda = assemble_agenda(meetings[0], listings, actions, attendance, serial, today)
    if access.sees_every_listing(actor):
        return agenda
    ids = [item.listing_id for item in agenda.items]
    shown = await access.visible_ids(actor, access.Record.LISTING, ids)
    return msgspec.structs.replace(
        agenda, items=[item for item in agenda.items if item.listing_id in shown]
    )


def consulted(items: Sequence[AgendaItem]) -> list[tuple[str, list[int]]]:
    """An agenda names victims and perpetrators: each case and subject on it has been
    consulted, and is audited as such (record type, ids; empty kinds left out)."""
    found = [
        ("case", sorted({item.case.id for item in items if item.case})),
        ("perpetrator_subject", sorted({item.subject.id for item in items if item.subject})),
    ]
    return [(kind, ids) for kind, ids in found if ids]


def perpetrators_of(listings: list[dict[str, Any]]) -> set[int]:
    """The people whose serial-perpetrator flag the agenda shows."""
    return {r["perpetrator_id"] for r in listings if r["perpetrator_id"]} | {
        r["subject_person_id"] for r in listings if r["subject_person_id"]
    }


def assemble_agenda(
    meeting: dict[str, Any],
    listings: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    attendance: list[dict[str, Any]],
    serial: set[int],
    today: date,
) -> AgendaRead:
    """Order, time and shape the agenda from its rows (no I/O)."""
    by_owner: dict[tuple[str, int], list[AgendaAction]] = {}
    for a in actions:
        due = _as_date(a["due_date"])
        owner = ("case", a["case_id"]) if a["case_id"] else ("subject", a["subject_id"])
        by_owner.setdefault(owner, []).append(
            AgendaAction(
                id=a["id"],
                agency_id=a["agency_id"],
                agency_name=a["agency_name"],
                owner_name=a["owner_name"],
                description=a["description"],
                due_date=due,
                overdue=due < today,
            )
        )

    ordered = sorted(
        listings, key=lambda r: (section_of(ListingKind(r["kind"]), r["children"] or 0), r["id"])
    )
    zone = ZoneInfo(meeting["timezone"])
    starts_at = msgspec.convert(meeting["starts_at"], datetime).astimezone(zone)
    slot = timedelta(minutes=meeting["minutes_per_case"])
    items = []
    for position, row in enumerate(ordered, start=1):
        kind = ListingKind(row["kind"])
        voice, reason = _voice(row)
        case = subject = None
        if row["case_id"]:
            owner = ("case", row["case_id"])
            case = AgendaCase(
                id=row["case_id"],
                reference=row["case_reference"],
                victim_name=row["victim_name"],
                victim_date_of_birth=row["victim_date_of_birth"]
                and _as_date(row["victim_date_of_birth"]),
                perpetrator_name=row["perpetrator_name"],
                serial_perpetrator=row["perpetrator_id"] in serial,
                is_repeat=bool(row["is_repeat"]),
                dash_score=row["dash_score"],
                children=row["children"] or 0,
                referral_date=_as_date(row["referral_date"]),
                referring_agency=row["referring_agency"],
                assigned_idva_id=row["idva_id"],
            )
        else:
            owner = ("subject", row["subject_id"])
            subject = AgendaSubject(
                id=row["subject_id"],
                reference=row["subject_reference"],
                name=row["subject_name"],
                serial_perpetrator=row["subject_person_id"] in serial,
            )
        items.append(
            AgendaItem(
                listing_id=row["id"],
                position=position,
                section=section_of(kind, row["children"] or 0).name.lower(),
                kind=kind,
                outcome=ListingOutcome(row["outcome"]),
                slot_start=starts_at + slot * (position - 1),
                slot_end=starts_at + slot * position,
                victim_voice=voice,
                victim_voice_reason=reason,
                case=case,
                subject=subject,
                open_actions=by_owner.get(owner, []),
            )
        )
    ends_at = msgspec.convert(meeting["ends_at"], datetime).astimezone(zone)
    agenda_ends_at = items[-1].slot_end if items else starts_at
    return AgendaRead(
        meeting_id=meeting["id"],
        panel_id=meeting["panel"],
        panel_name=meeting["panel_name"],
        panel_kind=PanelKind(meeting["panel_kind"]),
        status=MeetingStatus(meeting["status"]),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=meeting["venue"],
        video_link=meeting["video_link"],
        minutes_due_on=minutes_due_on(msgspec.convert(meeting["starts_at"], datetime), meeting),
        capacity=meeting["max_cases_per_meeting"],
        listed_cases=sum(1 for r in listings if r["kind"] != ListingKind.ACTIONS_REVIEW.value),
        ready_to_publish=all(item.victim_voice != "missing" for item in items),
        agenda_ends_at=agenda_ends_at,
        overruns=agenda_ends_at > ends_at,
        items=items,
        attendance=[
            AgendaAttendance(
                agency_id=a["agency_id"],
                agency_name=a["agency_name"],
                status=AttendanceStatus(a["status"]),
                attendee_name=a["attendee_name"],
                information_sent_on=a["information_sent_on"] and _as_date(a["information_sent_on"]),
                confidentiality_signed=bool(a["confidentiality_signed"]),
            )
            for a in attendance
        ],
    )
