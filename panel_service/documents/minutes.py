"""The minutes of a meeting as a Word document (domain.md §2.5): the full minutes for the
panel's chair and coordinators, and each agency's extract of them.

A pure function from ``MinutesContent`` to bytes, run in a worker thread. ``MinutesData``
never carries the victim's contact details, so they cannot reach the document.

The full minutes record the sitting (date, venue, chair), attendance by agency (present,
apologies, apologies with information sent, absent) and observers, who signed the
confidentiality statement, the review of incomplete actions with each action's outcome
(the two kinds of "not completed" kept apart), and per case in agenda order what each
agency shared, the victim's voice, the risks identified and the action plan; deferred
listings with their reasons. A perpetrator panel's minutes list the subjects (linked
victims by case reference only, Drive clock status) and group the actions as support,
disruption and behaviour change. Until approved the minutes are marked "DRAFT — not
approved" on every page (the header carries the title); an approved version says which
version it is, when and by whom it was approved.

Disclosure rule for an agency's extract (security.md: every document is built for one
recipient agency): it holds only the listings the agency is party to
(``agencies_party_to``: it referred the case or subject, owns an action on it, or shared
information on it), and for each of them only what that agency may receive: the case's
or subject's reference and type, the information *that agency* shared, the risks
identified, and *that agency's* actions (agreed at the meeting or under review). It never
holds the victim's voice (agency representatives may not see it), information shared by
other agencies, other agencies' actions, names of victims, perpetrators or attendees of
other agencies, linked victims, or the deferred listings. ``agency_minutes`` cuts the
extract from the full ``MinutesData`` before the builder sees it, so what is not in the
extract's data cannot be printed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec

from panel_service.actions.tables import ActionStatus
from panel_service.documents.agenda import CONFIDENTIALITY_STATEMENT
from panel_service.documents.base import Cell, Column, DocumentBuilder, Line, Strong
from panel_service.documents.wording import (
    CATEGORY,
    DASH,
    KIND,
    NONE,
    STATUS,
    clock,
    day,
    long_day,
    rfgv_lines,
    short_day,
    words,
)
from panel_service.meetings.tables import AttendanceStatus
from panel_service.minutes.schemas import (
    MinutesAction,
    MinutesData,
    MinutesItem,
    MinutesVictimVoice,
    agencies_party_to,
)
from panel_service.panels.tables import PanelKind

DRAFT = "DRAFT \u2014 not approved"
NO_ITEMS = "Nothing was heard in this section."
EXTRACT_NOTE = (
    "This extract holds only the cases {agency} is party to (it referred them, owns an "
    "action on them, or shared information on them), and for each only the information "
    "{agency} shared, the risks identified and {agency}'s own actions. The full minutes, "
    "with the victim's voice, are held by the panel's chair and coordinator."
)
# Attendance in the order the minutes list it; an agency invited whose attendance was
# never recorded comes last.
ATTENDANCE_ORDER = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.APOLOGIES,
    AttendanceStatus.APOLOGIES_INFORMATION_SENT,
    AttendanceStatus.ABSENT,
    AttendanceStatus.INVITED,
)
ATTENDANCE: dict[str, str] = {
    AttendanceStatus.PRESENT: "Present",
    AttendanceStatus.APOLOGIES: "Apologies",
    AttendanceStatus.APOLOGIES_INFORMATION_SENT: "Apologies, information sent",
    AttendanceStatus.ABSENT: "Absent",
    AttendanceStatus.INVITED: "Invited; attendance not recorded",
}
NOT_OBTAINED: dict[str, str] = {
    "no_safe_contact": "No safe way to contact the victim",
    "declined": "The victim declined to take part",
    "unsafe_to_contact": "Unsafe to contact the victim",
}
CASE_SECTIONS = (
    ("cases_with_children", "Cases with children"),
    ("adult_only_cases", "Adult-only cases"),
    ("lapse_reviews", "12-month lapse reviews"),
)
# The order the review counts outcomes in: the two "not completed" kept apart.
OUTCOME_ORDER = (
    ActionStatus.COMPLETED,
    ActionStatus.NOT_COMPLETED_CIRCUMSTANCES_CHANGED,
    ActionStatus.NOT_COMPLETED_NOT_DONE,
    ActionStatus.OPEN,
)


@dataclass(frozen=True, slots=True)
class MinutesContent:
    minutes: MinutesData
    produced_on: date
    # Set for an agency's extract: its name (``minutes`` is then already cut down).
    agency: str | None = None


# --- the agency's extract -------------------------------------------------------------
def agency_minutes(minutes: MinutesData, agency_id: int) -> MinutesData:
    """The minutes cut down to what ``agency_id`` may receive (see the module's rule)."""

    def own(actions: Sequence[MinutesAction]) -> list[MinutesAction]:
        return [a for a in actions if a.agency_id == agency_id]

    def cut(item: MinutesItem) -> MinutesItem:
        subject = item.subject
        if subject is not None:
            subject = msgspec.structs.replace(
                subject, name="", victim_case_references=[], victims_without_case=0
            )
        case = item.case
        if case is not None:
            case = msgspec.structs.replace(case, victim_name="", perpetrator_name="")
        return msgspec.structs.replace(
            item,
            case=case,
            subject=subject,
            information_shared=[s for s in item.information_shared if s.agency_id == agency_id],
            victim_voice=None,
            reviewed_actions=own(item.reviewed_actions),
            action_plan=own(item.action_plan),
            party_agency_ids=[agency_id],
        )

    def party(items: Sequence[MinutesItem]) -> list[MinutesItem]:
        return [cut(i) for i in items if agency_id in agencies_party_to(i)]

    return msgspec.structs.replace(
        minutes,
        attendance=[a for a in minutes.attendance if a.agency_id == agency_id],
        actions_review=party(minutes.actions_review),
        items=party(minutes.items),
        deferred=[],
    )


# --- wording --------------------------------------------------------------------------
def minutes_title(minutes: MinutesData) -> str:
    if minutes.meeting.panel_kind == PanelKind.PERPETRATOR_PANEL:
        return "Perpetrator panel minutes"
    return "MARAC minutes"


def approval(minutes: MinutesData) -> str:
    """ "DRAFT — not approved", or "Version 2, approved 10 December 2026 by Chris Chair"."""
    if minutes.version is None:
        return DRAFT
    text = f"Version {minutes.version}"
    if minutes.approved_at is not None:
        local = minutes.approved_at.astimezone(ZoneInfo(minutes.meeting.timezone))
        text += f", approved {day(local.date())}"
    if minutes.approved_by_name:
        text += f" by {minutes.approved_by_name}"
    return text


def _reason(voice: MinutesVictimVoice) -> str:
    code = voice.not_obtained_reason or ""
    return NOT_OBTAINED.get(code, words(code)) if code else "Not obtained"


# --- the document ---------------------------------------------------------------------
def build_minutes_document(
    content: MinutesContent, base: Path, builder: type[DocumentBuilder] = DocumentBuilder
) -> bytes:
    """The minutes (or an agency's extract of them) as a .docx file. ``builder`` is there
    for the benchmark, which builds the same content the naive python-docx way."""
    minutes = content.minutes
    meeting = minutes.meeting
    marking = approval(minutes)
    heading = minutes_title(minutes)
    title = f"{heading} \u2013 extract for {content.agency}" if content.agency else heading
    # The header carries the title on every page: the marking goes with it.
    doc = builder(base, meeting.panel_name, f"{title} \u2013 {marking}")
    doc.title(heading, long_day(meeting.day))
    if content.agency:
        doc.paragraph((Strong("Extract for "), Strong(content.agency)), "subtitle")
    if minutes.version is None:
        doc.paragraph(
            (
                Strong(marking),
                ". These minutes have not been approved by the chair and may still change.",
            ),
            "statement",
        )
    else:
        doc.paragraph(
            (Strong(marking), ". A later correction is approved as a new version."),
            "statement",
        )
    if content.agency:
        doc.paragraph(EXTRACT_NOTE.format(agency=content.agency), "note")
    doc.details(_particulars(minutes, marking))

    doc.heading("1. Attendance and confidentiality statement")
    doc.paragraph(CONFIDENTIALITY_STATEMENT, "statement")
    _attendance(doc, content)

    doc.heading("2. Review of incomplete actions")
    _review(doc, content)

    if meeting.panel_kind == PanelKind.PERPETRATOR_PANEL:
        subjects = [i for i in minutes.items if i.subject is not None]
        doc.heading("3. Perpetrators")
        for item in subjects:
            _subject(doc, content, item)
        if not subjects:
            doc.paragraph(NO_ITEMS, "note")
        doc.heading("4. Actions by activity")
        _actions_by_activity(doc, content, subjects)
        number = 5
    else:
        number = 3
        for section, name in CASE_SECTIONS:
            doc.heading(f"{number}. {name}")
            listed = [i for i in minutes.items if i.section == section and i.case is not None]
            for item in listed:
                _case(doc, content, item)
            if not listed:
                doc.paragraph(NO_ITEMS, "note")
            number += 1
    if not content.agency:
        doc.heading(f"{number}. Deferred")
        if minutes.deferred:
            doc.table(
                DEFERRED_COLUMNS,
                [[Strong(d.reference), KIND[d.kind], d.reason or NONE] for d in minutes.deferred],
            )
        else:
            doc.paragraph("Nothing was deferred.", "note")
    doc.paragraph("")
    doc.paragraph((Strong(marking), "."), "statement")
    doc.paragraph(f"Produced by Panel Service on {day(content.produced_on)}.", "note")
    return doc.save()


def _particulars(minutes: MinutesData, marking: str) -> list[tuple[str, Cell]]:
    meeting = minutes.meeting
    rows: list[tuple[str, Cell]] = [
        ("Panel", meeting.panel_name),
        ("Date", long_day(meeting.day)),
        ("Time", f"{clock(meeting.starts_at)} to {clock(meeting.ends_at)}"),
    ]
    if meeting.venue:
        rows.append(("Venue", meeting.venue))
    if meeting.video_link:
        rows.append(("Video link", meeting.video_link))
    if not meeting.venue and not meeting.video_link:
        rows.append(("Venue", NONE))
    rows.append(("Chair", meeting.chair_name or "Not recorded"))
    rows.append(("Status", Strong(marking)))
    return rows


ATTENDANCE_COLUMNS = (
    Column("Agency", 4.6),
    Column("Attended by", 3.8),
    Column("Attendance", 4.6),
    Column("Confidentiality statement", 4.0),
)
OBSERVER_COLUMNS = (
    Column("Observer", 5.0),
    Column("Organisation", 7.0),
    Column("Confidentiality statement", 5.0),
)


def _signed(signed: bool) -> Cell:
    return "Signed" if signed else Strong("Not signed")


def _attendance(doc: DocumentBuilder, content: MinutesContent) -> None:
    rank = {status: n for n, status in enumerate(ATTENDANCE_ORDER)}
    agencies = sorted(
        (a for a in content.minutes.attendance if a.status != AttendanceStatus.OBSERVER),
        key=lambda a: (rank.get(a.status, len(rank)), (a.agency_name or "").casefold()),
    )
    doc.heading("Agencies", 2)
    rows: list[list[Cell]] = []
    for a in agencies:
        status: Cell = ATTENDANCE.get(a.status, words(a.status))
        if a.status == AttendanceStatus.APOLOGIES_INFORMATION_SENT and a.information_sent_on:
            status = [str(status), f"on {short_day(a.information_sent_on)}"]
        present = a.status == AttendanceStatus.PRESENT
        rows.append(
            [
                a.agency_name or NONE,
                a.attendee_name or NONE,
                status,
                _signed(a.confidentiality_signed) if present else NONE,
            ]
        )
    if rows:
        doc.table(ATTENDANCE_COLUMNS, rows)
    else:
        doc.paragraph("No attendance was recorded.", "note")
    if content.agency:
        return
    observers = [a for a in content.minutes.attendance if a.status == AttendanceStatus.OBSERVER]
    doc.heading("Observers", 2)
    if observers:
        doc.table(
            OBSERVER_COLUMNS,
            [
                [o.attendee_name or NONE, o.agency_name or NONE, _signed(o.confidentiality_signed)]
                for o in observers
            ],
        )
    else:
        doc.paragraph("No observers.", "note")


REVIEW_COLUMNS = (
    Column("Case", 2.1),
    Column("Agency", 3.5),
    Column("Action", 5.2),
    Column("Due", 2.0),
    Column("Outcome", 4.2),
)


def _outcome(action: MinutesAction) -> Cell:
    lines: list[Line] = [Strong(STATUS.get(action.status, words(action.status)))]
    if action.closed_on:
        lines.append(f"on {short_day(action.closed_on)}")
    if action.outcome_note:
        lines.append(action.outcome_note)
    return lines


def _review(doc: DocumentBuilder, content: MinutesContent) -> None:
    reviews = content.minutes.actions_review
    actions = [a for item in reviews for a in item.reviewed_actions]
    if actions:
        counts = Counter(a.status for a in actions)
        doc.bullets(
            (STATUS[status], f": {counts[status]}") for status in OUTCOME_ORDER if counts[status]
        )
    rows: list[list[Cell]] = []
    for item in reviews:
        owner = item.case or item.subject
        reference = owner.reference if owner else NONE
        for action in item.reviewed_actions:
            rows.append(
                [
                    Strong(reference),
                    action.agency_name,
                    _action_lines(action),
                    short_day(action.due_date),
                    _outcome(action),
                ]
            )
    if rows:
        doc.table(REVIEW_COLUMNS, rows)
    else:
        doc.paragraph("No incomplete actions were reviewed.", "note")


def _action_lines(action: MinutesAction) -> Cell:
    lines: list[Line] = [action.description]
    if action.owner_name:
        lines.append(f"Owner: {action.owner_name}")
    if action.category:
        label = CATEGORY.get(action.category, words(action.category))
        if action.sub_area:
            label = f"{label}: {action.sub_area.replace('_', ' ')}"
        lines.append(label)
    return lines


SHARED_COLUMNS = (Column("Agency", 4.0), Column("Information shared", 13.0))
PLAN_COLUMNS = (Column("Agency", 3.6), Column("Action", 11.2), Column("Due", 2.2))
DEFERRED_COLUMNS = (Column("Case", 3.0), Column("Type", 3.0), Column("Reason", 11.0))


def _voice(voice: MinutesVictimVoice | None) -> Cell:
    if voice is None:
        return "Not recorded"
    if not voice.obtained:
        attempts = voice.contact_attempts
        lines: list[Line] = [(Strong("Not obtained: "), _reason(voice))]
        if attempts:
            lines.append(f"{attempts} safe contact attempt{'s' if attempts != 1 else ''}")
        return lines
    lines = []
    for label, text in (
        ("Views", voice.views),
        ("Wishes", voice.wishes),
        ("Fears", voice.fears),
        ("Safety concerns", voice.safety_concerns),
    ):
        lines.append((Strong(f"{label}: "), text or NONE))
    return lines


def _shared(doc: DocumentBuilder, content: MinutesContent, item: MinutesItem) -> None:
    if item.information_shared:
        doc.table(
            SHARED_COLUMNS,
            [[Strong(s.agency_name), s.text or NONE] for s in item.information_shared],
        )
    elif content.agency:
        doc.paragraph(f"{content.agency} recorded no information on this case.", "note")
    else:
        doc.paragraph("No information was recorded as shared.", "note")


def _plan(doc: DocumentBuilder, content: MinutesContent, item: MinutesItem) -> None:
    if item.action_plan:
        doc.table(
            PLAN_COLUMNS,
            [
                [Strong(a.agency_name), _action_lines(a), short_day(a.due_date)]
                for a in item.action_plan
            ],
        )
    elif content.agency:
        doc.paragraph(f"No actions for {content.agency}.", "note")
    else:
        doc.paragraph("No actions were agreed.", "note")


def _case(doc: DocumentBuilder, content: MinutesContent, item: MinutesItem) -> None:
    case = item.case
    assert case is not None
    kind = KIND.get(item.kind, words(item.kind))
    doc.heading(f"{case.reference} {DASH} {kind} (agenda item {item.position})", 2)
    rows: list[tuple[str, Cell]] = [("Case", Strong(case.reference)), ("Type", kind)]
    if not content.agency:
        rows += [
            ("Victim", case.victim_name or NONE),
            ("Perpetrator", case.perpetrator_name or NONE),
            ("Children", str(case.children)),
            ("Referred by", case.referring_agency_name or NONE),
            ("Victim's voice", _voice(item.victim_voice)),
        ]
    rows.append(("Risks identified", item.risks_identified or NONE))
    doc.details(rows)
    doc.label("Information shared")
    _shared(doc, content, item)
    doc.label("Action plan")
    _plan(doc, content, item)


CLOCKS = (
    ("48 hours", "response"),
    ("10 working days", "initial_assessment"),
    ("20 working days", "plan_sign_off"),
)


def _subject(doc: DocumentBuilder, content: MinutesContent, item: MinutesItem) -> None:
    subject = item.subject
    assert subject is not None
    name = f" {DASH} {subject.name}" if subject.name and not content.agency else ""
    doc.heading(f"{subject.reference}{name} (agenda item {item.position})", 2)
    rows: list[tuple[str, Cell]] = [("Perpetrator", Strong(subject.reference))]
    if not content.agency:
        victims: list[Line] = list(subject.victim_case_references)
        if subject.victims_without_case:
            victims.append(f"{subject.victims_without_case} without a MARAC case")
        status: list[Line] = [words(subject.status)]
        if subject.pathway:
            status.append(words(subject.pathway))
        if subject.serial_perpetrator:
            status.append(Strong("Serial perpetrator"))
        clocks = subject.drive_clocks
        rows += [
            ("Name", subject.name or NONE),
            ("Linked victims", victims or NONE),
            ("Referred by", subject.referring_agency_name or NONE),
            ("Status", status),
            (
                "Drive clocks",
                [f"{label}: {getattr(clocks, field).value}" for label, field in CLOCKS],
            ),
        ]
        scores = rfgv_lines(subject.rfgv) if subject.rfgv else ()
        if scores:
            rows.append(("RFG-V", list(scores)))
    rows.append(("Risks identified", item.risks_identified or NONE))
    doc.details(rows)
    doc.label("Information shared")
    _shared(doc, content, item)


ACTIVITY_COLUMNS = (
    Column("Perpetrator", 2.6),
    Column("Agency", 3.2),
    Column("Action", 9.0),
    Column("Due", 2.2),
)


def _actions_by_activity(
    doc: DocumentBuilder, content: MinutesContent, items: Sequence[MinutesItem]
) -> None:
    groups: dict[str | None, list[list[Cell]]] = {key: [] for key in (*CATEGORY, None)}
    for item in items:
        assert item.subject is not None
        for action in item.action_plan:
            category = action.category if action.category in groups else None
            description: list[Line] = [action.description]
            if action.sub_area:
                description.append(words(action.sub_area))
            if action.owner_name:
                description.append(f"Owner: {action.owner_name}")
            groups[category].append(
                [
                    Strong(item.subject.reference),
                    action.agency_name,
                    description,
                    short_day(action.due_date),
                ]
            )
    for group, rows in groups.items():
        if group is None and not rows:
            continue
        doc.heading(CATEGORY[group] if group else "Other", 2)
        if rows:
            doc.table(ACTIVITY_COLUMNS, rows)
        else:
            doc.paragraph("No actions agreed.", "note")
