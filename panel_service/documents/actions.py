"""An agency's action list as a Word document: for one meeting (what was agreed there and
what was reviewed there), or every open action of the agency across its meetings.

Pure functions from the content to bytes, run in a worker thread. Cases and perpetrator
subjects appear by their opaque reference only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from panel_service.actions.schemas import ActionRead
from panel_service.documents.base import Cell, Column, DocumentBuilder, Line, Strong
from panel_service.documents.wording import CATEGORY, NONE, STATUS, day, long_day, short_day


@dataclass(frozen=True, slots=True)
class ActionLine:
    """An action with what the list prints beside it."""

    action: ActionRead
    reference: str
    panel_name: str = ""
    agreed_on: date | None = None


@dataclass(frozen=True, slots=True)
class MeetingActionsContent:
    agency: str
    panel_name: str
    meeting_day: date
    produced_on: date
    agreed: Sequence[ActionLine] = ()
    reviewed: Sequence[ActionLine] = ()


@dataclass(frozen=True, slots=True)
class AgencyActionsContent:
    agency: str
    produced_on: date
    open: Sequence[ActionLine] = ()
    panels: Sequence[str] = field(default_factory=tuple)


def _description(action: ActionRead) -> Cell:
    lines: list[Line] = [action.description]
    if action.category:
        label = CATEGORY.get(action.category, action.category)
        if action.sub_area:
            label = f"{label}: {action.sub_area.replace('_', ' ')}"
        lines.append(label)
    return lines


def _status(action: ActionRead) -> Cell:
    lines: list[Line] = [STATUS.get(action.status, action.status)]
    if action.overdue:
        lines.append(Strong("Overdue"))
    if action.closed_on:
        lines.append(f"on {short_day(action.closed_on)}")
    if action.outcome_note:
        lines.append(action.outcome_note)
    return lines


def _row(line: ActionLine, with_panel: bool) -> list[Cell]:
    action = line.action
    agreed: list[Line] = []
    if with_panel and line.panel_name:
        agreed.append(line.panel_name)
    agreed.append(short_day(line.agreed_on) if line.agreed_on else NONE)
    return [
        Strong(line.reference),
        _description(action),
        action.owner_name or NONE,
        short_day(action.due_date),
        _status(action),
        agreed,
    ]


def _columns(with_panel: bool) -> tuple[Column, ...]:
    return (
        Column("Case", 2.3),
        Column("Action", 6.4),
        Column("Owner", 2.3),
        Column("Due", 1.9),
        Column("Status", 2.6),
        Column("Panel, agreed" if with_panel else "Agreed", 2.3 if not with_panel else 2.9),
    )


def _table(doc: DocumentBuilder, lines: Sequence[ActionLine], with_panel: bool, empty: str) -> None:
    if lines:
        doc.table(_columns(with_panel), [_row(line, with_panel) for line in lines])
    else:
        doc.paragraph(empty, "note")


def build_meeting_actions(content: MeetingActionsContent, base: Path) -> bytes:
    """One agency's actions at one meeting: agreed there, and open ones reviewed there."""
    title = f"Actions for {content.agency}"
    doc = DocumentBuilder(base, content.panel_name, f"{title} \u2013 {day(content.meeting_day)}")
    doc.title(title, f"{content.panel_name}, {long_day(content.meeting_day)}")
    doc.details(
        [
            ("Agency", content.agency),
            ("Panel", content.panel_name),
            ("Meeting", long_day(content.meeting_day)),
            ("Produced", day(content.produced_on)),
        ]
    )
    doc.paragraph(
        "Report each action's progress to the panel coordinator before the next meeting: "
        "completed, or not completed and why.",
        "note",
    )
    doc.heading("Actions agreed at this meeting")
    _table(doc, content.agreed, False, "No actions were agreed for this agency at this meeting.")
    doc.heading("Open actions reviewed at this meeting")
    _table(doc, content.reviewed, False, "No earlier actions of this agency were reviewed.")
    return doc.save()


def build_agency_actions(content: AgencyActionsContent, base: Path) -> bytes:
    """Every open action of one agency that the reader may see, soonest due first."""
    title = f"Open actions for {content.agency}"
    panels = ", ".join(content.panels) if content.panels else "Panel Service"
    doc = DocumentBuilder(base, panels, title)
    doc.title(title, f"As at {long_day(content.produced_on)}")
    overdue = sum(1 for line in content.open if line.action.overdue)
    doc.details(
        [
            ("Agency", content.agency),
            ("Panels", panels),
            ("Open actions", f"{len(content.open)}, of which {overdue} overdue"),
        ]
    )
    doc.heading("Open actions")
    _table(doc, content.open, True, "This agency has no open actions.")
    return doc.save()
