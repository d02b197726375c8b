"""The agenda as a Word document: a MARAC's, or a perpetrator panel's (domain.md §2.3, §3).

A pure function from ``AgendaContent`` to bytes, run in a worker thread. The content is
what the caller may see (``AgendaRead`` is already filtered for them) plus what the
agenda prints beside it: the chair, each case's criteria and IDVA, each subject's Drive
clocks and linked victims (by case reference only). Victim contact details are not part
of the content at all, so they cannot reach the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from panel_service.documents.agenda_content import (
    NO_ITEMS,
    AgendaContent,
    CaseDetail,
    due,
    owner,
    slot,
)
from panel_service.documents.base import SAME, Cell, Column, DocumentBuilder, Line, Strong
from panel_service.documents.perpetrator_agenda import actions_by_activity, subject_table
from panel_service.documents.wording import (
    CATEGORY,
    KIND,
    NONE,
    VOICE,
    clock,
    day,
    long_day,
    short_day,
)
from panel_service.meetings.schemas import AgendaAction, AgendaItem
from panel_service.meetings.tables import MeetingStatus
from panel_service.panels.tables import PanelKind

CONFIDENTIALITY_STATEMENT = (
    "The information shared at this meeting is confidential. It is shared only to reduce "
    "the risk of serious harm to the people discussed and their children, and is used "
    "for that purpose alone. It must not be passed to anyone else, or recorded beyond "
    "what each agency needs to carry out its actions, without the agreement of the panel "
    "chair. Each agency keeps what it takes away securely, under the information sharing "
    "agreement its organisation has signed. Everyone attending signs to say they have "
    "heard and accept this statement."
)
EXTRACT_NOTE = (
    "This extract lists only the cases {agency} is party to: it referred them, its IDVA "
    "presents them, or it owns an action on them; and of the open actions, only its own. "
    "The full agenda is held by the panel's chair and coordinator."
)


def agenda_title(content: AgendaContent) -> str:
    if content.agenda.panel_kind == PanelKind.PERPETRATOR_PANEL:
        return "Perpetrator panel agenda"
    return "MARAC agenda"


def build_agenda(
    content: AgendaContent, base: Path, builder: type[DocumentBuilder] = DocumentBuilder
) -> bytes:
    """The agenda (or an agency's extract of it) as a .docx file. ``builder`` is there for
    the benchmark, which builds the same content the naive python-docx way."""
    agenda = content.agenda
    title = agenda_title(content)
    if content.agency:
        title = f"{title} \u2013 extract for {content.agency}"
    doc = builder(base, agenda.panel_name, title)
    meeting_day = long_day(agenda.starts_at.date())
    doc.title(agenda_title(content), meeting_day)
    if content.agency:
        doc.paragraph((Strong("Extract for "), Strong(content.agency)), "subtitle")
        doc.paragraph(EXTRACT_NOTE.format(agency=content.agency), "note")
    doc.details(_particulars(content))

    items = agenda.items
    doc.heading("1. Introductions and confidentiality statement")
    doc.paragraph(CONFIDENTIALITY_STATEMENT, "statement")
    invited = sorted(
        {a.agency_name for a in agenda.attendance if a.agency_id is not None and a.agency_name}
    )
    doc.heading("Invited agencies", 2)
    if invited:
        doc.listing(invited)
    else:
        doc.paragraph("No agencies have been invited yet.", "note")

    doc.heading("2. Review of incomplete actions")
    reviews = [i for i in items if i.section == "actions_review"]
    _review_table(doc, content, reviews)

    if agenda.panel_kind == PanelKind.PERPETRATOR_PANEL:
        subjects = [i for i in items if i.subject is not None and i.section != "actions_review"]
        doc.heading("3. Perpetrators")
        subject_table(doc, content, subjects)
        doc.heading("4. Open actions by activity")
        actions_by_activity(doc, content, subjects)
        next_number = 5
    else:
        for number, (section, heading) in enumerate(
            (
                ("cases_with_children", "Cases with children"),
                ("adult_only_cases", "Adult-only cases"),
                ("lapse_reviews", "12-month lapse reviews"),
            ),
            start=3,
        ):
            doc.heading(f"{number}. {heading}")
            _case_table(doc, content, [i for i in items if i.section == section])
        next_number = 6
    doc.heading(f"{next_number}. Any other business")
    doc.paragraph(f"Produced by Panel Service on {day(content.produced_on)}.", "note")
    return doc.save()


def _particulars(content: AgendaContent) -> list[tuple[str, Cell]]:
    agenda = content.agenda
    rows: list[tuple[str, Cell]] = [
        ("Panel", agenda.panel_name),
        ("Date", long_day(agenda.starts_at.date())),
        ("Time", f"{clock(agenda.starts_at)} to {clock(agenda.ends_at)}"),
    ]
    if agenda.venue:
        rows.append(("Venue", agenda.venue))
    if agenda.video_link:
        rows.append(("Video link", agenda.video_link))
    if not agenda.venue and not agenda.video_link:
        rows.append(("Venue", "To be confirmed"))
    rows.append(("Chair", content.chair or "To be confirmed"))
    if agenda.status == MeetingStatus.SCHEDULED:
        rows.append(("Status", "Draft: not yet published"))
    elif agenda.status == MeetingStatus.CANCELLED:
        rows.append(("Status", Strong("Cancelled")))
    return rows


def _case_cell(item: AgendaItem) -> Cell:
    case = item.case
    assert case is not None
    victim = case.victim_name
    if case.victim_date_of_birth:
        victim = f"{victim} (born {short_day(case.victim_date_of_birth)})"
    perpetrator = case.perpetrator_name
    lines: list[Line] = [
        Strong(case.reference),
        ("Victim: ", victim),
        ("Perpetrator: ", perpetrator),
    ]
    if case.serial_perpetrator:
        lines.append(Strong("Serial perpetrator"))
    return lines


def _voice(item: AgendaItem) -> Cell:
    shown = VOICE.get(item.victim_voice, item.victim_voice)
    if item.victim_voice_reason:
        return [f"{shown}:", item.victim_voice_reason.replace("_", " ")]
    return shown


def _criteria(dash_score: int | None, detail: CaseDetail) -> Cell:
    lines: list[Line] = [("DASH ", Strong(str(dash_score)))] if dash_score is not None else []
    lines.extend(detail.criteria)
    return lines or NONE


# Widths in centimetres; they add up to A4's text width with 2 cm margins (17 cm), and
# are scaled to the base document's own page if it differs.
CASE_COLUMNS = (
    Column("Slot", 2.1),
    Column("Case", 4.1),
    Column("Type", 1.4),
    Column("Referred by", 2.3),
    Column("DASH, criteria", 2.3),
    Column("Children", 1.5),
    Column("IDVA", 1.8),
    Column("Victim's voice", 1.5),
)


def _case_table(doc: DocumentBuilder, content: AgendaContent, items: Sequence[AgendaItem]) -> None:
    rows: list[list[Cell]] = []
    for item in items:
        case = item.case
        if case is None:
            continue
        detail = content.cases.get(case.id, CaseDetail())
        rows.append(
            [
                slot(item),
                _case_cell(item),
                KIND[item.kind],
                case.referring_agency,
                _criteria(case.dash_score, detail),
                str(case.children),
                detail.idva or NONE,
                _voice(item),
            ]
        )
    if rows:
        doc.table(CASE_COLUMNS, rows)
    else:
        doc.paragraph(NO_ITEMS, "note")


REVIEW_COLUMNS = (
    Column("Slot", 2.1),
    Column("Case", 2.2),
    Column("Agency", 3.1),
    Column("Action", 7.4),
    Column("Due", 2.2),
)


def _action_cell(action: AgendaAction, content: AgendaContent) -> Cell:
    lines: list[Line] = [action.description]
    if action.owner_name:
        lines.append(f"Owner: {action.owner_name}")
    activity = content.activities.get(action.id)
    if activity and activity.category:
        label = CATEGORY.get(activity.category, activity.category)
        if activity.sub_area:
            label = f"{label}: {activity.sub_area.replace('_', ' ')}"
        lines.append(label)
    return lines


def _review_table(
    doc: DocumentBuilder, content: AgendaContent, items: Sequence[AgendaItem]
) -> None:
    rows: list[list[Cell]] = []
    for item in items:
        if not item.open_actions:
            # In an extract the actions shown are the agency's own: others' may remain.
            none_left = (
                f"No open actions of {content.agency}."
                if content.agency
                else "No open actions remain."
            )
            rows.append([slot(item), owner(item), NONE, none_left, NONE])
            continue
        for index, action in enumerate(item.open_actions):
            first = index == 0
            rows.append(
                [
                    slot(item) if first else SAME,
                    owner(item) if first else SAME,
                    action.agency_name,
                    _action_cell(action, content),
                    due(action),
                ]
            )
    if rows:
        doc.table(REVIEW_COLUMNS, rows)
    else:
        doc.paragraph(NO_ITEMS, "note")
