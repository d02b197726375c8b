"""Building the agenda of a 40-case meeting, and the minutes of 40 cases x 12 agencies x
6 actions, as Word documents: ours against a naive python-docx reference building the same
content, in one run.

    .venv/bin/python benchmarks/documents.py [--rounds 15] [--cases 40]

Both start from the same base document (``templates/docx/base.docx``) and build the same
content: the agenda of a MARAC meeting with 40 listings (6 reviews of incomplete actions
with 2 actions each, 20 cases with children, 10 adult-only cases, 4 lapse reviews) and 15
invited agencies. Ours is ``panel_service.documents.agenda.build_agenda``. The baseline
runs the same function with a builder written the way python-docx's documentation
examples write documents: ``add_paragraph(style="Table Text")``, ``add_table``,
``add_row().cells``, ``cell.paragraphs[0].style = ...`` (every style set by name, looked
up each time). The two documents are checked to hold the same text.
Rounds alternate; the script prints the median time of each and the ratio.
Target: ours <= 1.0x the naive reference.

The minutes: ``panel_service.documents.minutes.build_minutes_document`` on the minutes of
a MARAC meeting with ``--cases`` cases heard (4 of them reviews of incomplete actions),
each with information shared by 12 agencies, the victim's voice, the risks identified and
an action plan of 6 actions, 12 agencies' attendance and 2 observers; against the same
function with the naive builder. Target: ours <= 0.5x the naive reference.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from panel_service.actions.tables import ActionStatus
from panel_service.documents.agenda import build_agenda
from panel_service.documents.agenda_content import AgendaContent, CaseDetail
from panel_service.documents.base import (
    SAME,
    STYLES,
    Cell,
    DocumentBuilder,
    Line,
    Strong,
)
from panel_service.documents.minutes import MinutesContent, build_minutes_document
from panel_service.documents.templates import DOCUMENT_TITLE, PANEL_NAME
from panel_service.documents.text import xml_safe
from panel_service.meetings.schemas import (
    AgendaAction,
    AgendaAttendance,
    AgendaCase,
    AgendaItem,
    AgendaRead,
)
from panel_service.meetings.tables import (
    AttendanceStatus,
    ListingKind,
    ListingOutcome,
    MeetingStatus,
)
from panel_service.minutes.schemas import (
    MinutesAction,
    MinutesAttendance,
    MinutesCase,
    MinutesData,
    MinutesItem,
    MinutesMeeting,
    MinutesVictimVoice,
    NotHeardListing,
    SharedInformation,
)
from panel_service.panels.tables import PanelKind

BASE = Path(__file__).resolve().parent.parent / "templates" / "docx" / "base.docx"
TARGET = 1.0
MINUTES_TARGET = 0.5
AGENCIES = [
    "Northtown Police",
    "Northtown IDVA Service",
    "Northtown Children's Social Care",
    "Northtown Adult Safeguarding",
    "Northtown General Hospital",
    "Northtown GP Federation",
    "Northtown Health Visiting",
    "Northtown Community Mental Health",
    "Probation Service North",
    "Northtown Housing Options",
    "Riverside Homes Association",
    "Northtown Schools Safeguarding",
    "Northtown Drug and Alcohol Service",
    "Sahara Women's Aid (BAMER specialist)",
    "Northtown Fire and Rescue",
]
FIRST = ["Rosa", "Tanya", "Vera", "Wendy", "Zara", "Esther", "Freya", "Gemma", "Chloe", "Jade"]
LAST = ["Quarry", "Stanway", "Upton", "Varley", "Yardley", "Eskdale", "Farrow", "Grayson"]


def _place(n: int, cases: int, reviews: int, children: int, lapses: int) -> tuple[str, ListingKind]:
    """The section and listing kind of the ``n``th of ``cases`` synthetic items."""
    if n < reviews:
        return "actions_review", ListingKind.ACTIONS_REVIEW
    if n < reviews + children:
        return "cases_with_children", ListingKind.NEW
    if n < cases - lapses:
        return "adult_only_cases", ListingKind.REPEAT if n % 3 else ListingKind.NEW
    return "lapse_reviews", ListingKind.LAPSE_REVIEW


def agenda_content(cases: int) -> AgendaContent:
    """A meeting's agenda with ``cases`` listings, shaped like a real one."""
    starts = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    reviews, lapses = 6, 4
    children = (cases - reviews - lapses) * 2 // 3
    items: list[AgendaItem] = []
    details: dict[int, CaseDetail] = {}
    for n in range(cases):
        section, kind = _place(n, cases, reviews, children, lapses)
        actions = [
            AgendaAction(
                id=n * 10 + a,
                agency_id=a,
                agency_name=AGENCIES[(n + a) % len(AGENCIES)],
                owner_name="",
                description="Complete a children and family assessment and share the "
                "outcome with the IDVA before the next meeting",
                due_date=date(2026, 11, 19) + timedelta(days=7 * a),
                overdue=a == 0,
            )
            for a in range(2 if section == "actions_review" else 0)
        ]
        case = AgendaCase(
            id=n + 1,
            reference=f"MC-{n + 1:06d}",
            victim_name=f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}",
            victim_date_of_birth=date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
            perpetrator_name=f"Perry {LAST[(n + 3) % len(LAST)]}",
            serial_perpetrator=n % 11 == 0,
            is_repeat=kind == ListingKind.REPEAT,
            dash_score=14 + n % 10,
            children=1 + n % 3 if section == "cases_with_children" else 0,
            referral_date=date(2026, 11, 1),
            referring_agency=AGENCIES[n % len(AGENCIES)],
            assigned_idva_id=1,
        )
        details[case.id] = CaseDetail(("Visible high risk",), "Iris Idva")
        items.append(
            AgendaItem(
                listing_id=n + 1,
                position=n + 1,
                section=section,
                kind=kind,
                outcome=ListingOutcome.LISTED,
                slot_start=starts + timedelta(minutes=10 * n),
                slot_end=starts + timedelta(minutes=10 * (n + 1)),
                victim_voice="obtained" if n % 7 else "not_obtained",
                victim_voice_reason=None if n % 7 else "declined",
                case=case,
                subject=None,
                open_actions=actions,
            )
        )
    agenda = AgendaRead(
        meeting_id=1,
        panel_id=1,
        panel_name="Northtown MARAC",
        panel_kind=PanelKind.MARAC,
        status=MeetingStatus.AGENDA_PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=7),
        venue="Northtown Civic Centre, Committee Room 2",
        video_link="https://meet.northtown.gov.example/marac",
        minutes_due_on=date(2026, 12, 8),
        capacity=40,
        listed_cases=cases,
        ready_to_publish=True,
        agenda_ends_at=starts + timedelta(minutes=10 * cases),
        overruns=False,
        items=items,
        attendance=[
            AgendaAttendance(i + 1, name, AttendanceStatus.INVITED, "", None, False)
            for i, name in enumerate(AGENCIES)
        ],
    )
    return AgendaContent(
        agenda=agenda, chair="Chris Chair", produced_on=date(2026, 11, 23), cases=details
    )


SHARED = (
    "Two call-outs to the address since the last meeting; the perpetrator was arrested on "
    "the second and released on bail with conditions not to contact the victim. Officers "
    "noted the children were present and a referral was made to children's social care."
)
RISKS = (
    "Escalation since the separation: threats to kill made by text message, stalking at "
    "the victim's workplace, and a risk at child contact handovers."
)


def minutes_content(cases: int, agencies: int = 12, actions: int = 6) -> MinutesContent:
    """The minutes of a meeting with ``cases`` cases heard, each with information shared
    by ``agencies`` agencies and ``actions`` actions, shaped like real minutes."""
    starts = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    reviews, lapses = 4, 4
    children = (cases - reviews - lapses) * 2 // 3
    names = AGENCIES[:agencies]
    statuses = list(ActionStatus)

    def action(n: int, a: int, status: ActionStatus = ActionStatus.OPEN) -> MinutesAction:
        return MinutesAction(
            id=n * 100 + a,
            agreed_at_meeting_id=1,
            agency_id=a % agencies + 1,
            agency_name=names[a % agencies],
            owner_name=f"{FIRST[a % len(FIRST)]} {LAST[a % len(LAST)]}" if a % 2 else "",
            description="Complete a children and family assessment and share the outcome "
            "with the IDVA before the next meeting",
            due_date=date(2026, 12, 10) + timedelta(days=7 * (a % 3)),
            category=None,
            sub_area=None,
            status=status,
            outcome_note="The family moved out of the area." if status != "open" else "",
            closed_on=date(2026, 11, 30) if status != "open" else None,
        )

    review_items: list[MinutesItem] = []
    heard: list[MinutesItem] = []
    for n in range(cases):
        section, kind = _place(n, cases, reviews, children, lapses)
        review = section == "actions_review"
        item = MinutesItem(
            listing_id=n + 1,
            position=n + 1,
            section=section,
            kind=kind,
            outcome=ListingOutcome.HEARD,
            case=MinutesCase(
                id=n + 1,
                reference=f"MC-{n + 1:06d}",
                is_repeat=kind == ListingKind.REPEAT,
                victim_name=f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}",
                perpetrator_name=f"Perry {LAST[(n + 3) % len(LAST)]}",
                children=1 + n % 3 if section == "cases_with_children" else 0,
                referring_agency_id=n % agencies + 1,
                referring_agency_name=names[n % agencies],
            ),
            subject=None,
            information_shared=[]
            if review
            else [SharedInformation(a + 1, names[a], SHARED) for a in range(agencies)],
            victim_voice=None
            if review
            else MinutesVictimVoice(
                obtained=True,
                views="Wants the locks changed and to stay in the home with the children.",
                wishes="To keep the tenancy and for the children to stay at their school.",
                fears="That he will come back when his bail conditions end.",
                safety_concerns="He still has a key and knows her shift pattern.",
                not_obtained_reason=None,
                contact_attempts=1,
            ),
            risks_identified="" if review else RISKS,
            reviewed_actions=[action(n, a, statuses[a % len(statuses)]) for a in range(actions)]
            if review
            else [],
            action_plan=[] if review else [action(n, a) for a in range(actions)],
            party_agency_ids=[],
        )
        (review_items if review else heard).append(item)
    minutes = MinutesData(
        meeting=MinutesMeeting(
            id=1,
            panel_id=1,
            panel_name="Northtown MARAC",
            panel_kind=PanelKind.MARAC,
            timezone="Europe/London",
            day=starts.date(),
            starts_at=starts,
            ends_at=starts + timedelta(hours=7),
            venue="Northtown Civic Centre, Committee Room 2",
            video_link="",
            chair_id=1,
            chair_name="Chris Chair",
            minutes_due_on=date(2026, 12, 8),
        ),
        status=MeetingStatus.MINUTES_APPROVED,
        version=1,
        approved_at=starts + timedelta(days=5),
        approved_by_id=1,
        approved_by_name="Chris Chair",
        attendance=[
            MinutesAttendance(
                a + 1,
                name,
                f"{FIRST[a % len(FIRST)]} {LAST[a % len(LAST)]}",
                AttendanceStatus.PRESENT if a % 4 else AttendanceStatus.APOLOGIES,
                None,
                bool(a % 4),
            )
            for a, name in enumerate(names)
        ]
        + [
            MinutesAttendance(None, None, f"Observer {o}", AttendanceStatus.OBSERVER, None, True)
            for o in range(2)
        ],
        actions_review=review_items,
        items=heard,
        deferred=[NotHeardListing(999, ListingKind.NEW, "MC-000999", "Referrer absent")],
        built_at=starts + timedelta(days=5),
    )
    return MinutesContent(minutes=minutes, produced_on=date(2026, 12, 8))


class NaiveBuilder(DocumentBuilder):
    """The same builder interface written as python-docx's examples write documents: every
    style given by name (looked up each time), tables through ``add_table``/``add_row``."""

    def __init__(self, base: Path, panel_name: str, title: str) -> None:
        self.document = docx.Document(str(base))
        values = {PANEL_NAME: xml_safe(panel_name), DOCUMENT_TITLE: xml_safe(title)}
        for section in self.document.sections:
            for part in (section.header, section.footer):
                for paragraph in part.paragraphs:
                    for run in paragraph.runs:
                        for placeholder, value in values.items():
                            run.text = run.text.replace(placeholder, value)
        self.document.core_properties.title = xml_safe(title)

    def _runs(self, paragraph: Any, line: Line) -> None:
        for run in line if isinstance(line, tuple) else (line,):
            if isinstance(run, Strong):
                paragraph.add_run(xml_safe(run.text)).bold = True
            else:
                paragraph.add_run(xml_safe(run))

    def title(self, text: str, subtitle: str = "") -> None:
        self.document.add_paragraph(xml_safe(text), style="Title")
        if subtitle:
            self.document.add_paragraph(xml_safe(subtitle), style="Subtitle")

    def heading(self, text: str, level: int = 1) -> None:
        self.document.add_heading(xml_safe(text), level)

    def paragraph(self, line: Line, style: str = "normal") -> None:
        self._runs(self.document.add_paragraph(style=STYLES[style][0]), line)

    def label(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.add_run(xml_safe(text)).bold = True
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Cm(0.35)

    def bullets(self, items: Any) -> None:
        for item in items:
            self._runs(self.document.add_paragraph(style="List Bullet"), item)

    def _cell(self, cell: Any, value: Cell, style: str) -> None:
        lines = value if isinstance(value, list) else [value]
        first = cell.paragraphs[0]
        first.style = style
        for index, line in enumerate(lines):
            paragraph = first if index == 0 else cell.add_paragraph(style=style)
            self._runs(paragraph, line)  # type: ignore[arg-type]

    def details(self, rows: Any, label_cm: float = 3.6) -> None:
        table = self.document.add_table(rows=0, cols=2)
        table.style = "Details Table"
        for label, value in rows:
            cells = table.add_row().cells
            self._cell(cells[0], label, "Table Label")
            self._cell(cells[1], value, "Table Text")
            cells[0].width, cells[1].width = Cm(label_cm), Cm(17 - label_cm)

    def listing(self, items: Any, count: int = 2) -> None:
        table = self.document.add_table(rows=0, cols=count)
        table.style = "Details Table"
        per_column = -(-len(items) // count)
        for index in range(per_column):
            cells = table.add_row().cells
            for column in range(count):
                at = column * per_column + index
                self._cell(cells[column], items[at] if at < len(items) else "", "Table Text")

    def table(self, columns: Any, rows: Any) -> None:
        table = self.document.add_table(rows=1, cols=len(columns))
        table.style = "Panel Table"
        header = table.rows[0]
        for cell, column in zip(header.cells, columns, strict=True):
            self._cell(cell, column.title, "Table Heading")
            cell.width = Cm(column.width_cm)
        properties = header._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:tblHeader"))
        properties.append(OxmlElement("w:cantSplit"))
        previous = None
        for row in rows:
            cells = table.add_row().cells
            for index, (cell, value, column) in enumerate(zip(cells, row, columns, strict=True)):
                cell.width = Cm(column.width_cm)
                if value is SAME and previous is not None:
                    previous[index].merge(cell)
                else:
                    self._cell(cell, value, "Table Text")
            previous = cells

    def save(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def _text(content: bytes) -> list[str]:
    body = docx.Document(io.BytesIO(content)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def _time(build: Any) -> float:
    started = time.perf_counter()
    build()
    return time.perf_counter() - started


def _compare(label: str, build: Any, content: Any, rounds: int, target: float) -> float:
    """Build ``content`` ours and the naive way, alternating, and print the medians."""
    ours_doc = build(content, BASE)
    naive_doc = build(content, BASE, NaiveBuilder)
    ours_text = [t for t in _text(ours_doc) if t]
    naive_text = [t for t in _text(naive_doc) if t]
    assert ours_text == naive_text, "the two builds must hold the same content"
    version = getattr(docx, "__version__", "?")
    print(
        f"{label}: {len(ours_text)} paragraphs of text;"
        f" {os.cpu_count()} cores; python-docx {version}"
    )
    ours, naive = [], []
    for _ in range(rounds):
        ours.append(_time(lambda: build(content, BASE)))
        naive.append(_time(lambda: build(content, BASE, NaiveBuilder)))
    for name, times in (("ours", ours), ("naive python-docx reference", naive)):
        print(
            f"  {name:<30} median {statistics.median(times) * 1000:7.1f} ms"
            f"  min {min(times) * 1000:7.1f} ms  max {max(times) * 1000:7.1f} ms"
        )
    ratio = statistics.median(ours) / statistics.median(naive)
    verdict = "meets" if ratio <= target else "MISSES"
    print(f"  ours/naive = {ratio:.2f}x ({verdict} the <= {target}x target)")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--agencies", type=int, default=12)
    parser.add_argument("--actions", type=int, default=6)
    args = parser.parse_args()
    _compare(
        f"agenda of {args.cases} listings",
        build_agenda,
        agenda_content(args.cases),
        args.rounds,
        TARGET,
    )
    _compare(
        f"minutes of {args.cases} cases x {args.agencies} agencies x {args.actions} actions",
        build_minutes_document,
        minutes_content(args.cases, args.agencies, args.actions),
        args.rounds,
        MINUTES_TARGET,
    )


if __name__ == "__main__":
    main()
