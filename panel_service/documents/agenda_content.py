"""What an agenda document shows: the content handed to the builder (gathered from the
database as the caller may see it), and the cells that the MARAC and perpetrator-panel
tables share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from panel_service.documents.base import Cell, Line, Strong
from panel_service.documents.wording import DASH, NONE, OUTCOME, clock, short_day
from panel_service.meetings.schemas import AgendaAction, AgendaItem, AgendaRead

NO_ITEMS = "Nothing listed."


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """What the agenda prints for a case beyond ``AgendaCase``."""

    criteria: tuple[str, ...] = ()
    idva: str = ""


@dataclass(frozen=True, slots=True)
class SubjectDetail:
    """What a perpetrator panel's agenda prints for a subject beyond ``AgendaSubject``."""

    referring_agency: str = ""
    status: str = ""
    pathway: str = ""
    victims: tuple[str, ...] = ()
    clocks: tuple[str, ...] = ()
    rfgv: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionActivity:
    """A perpetrator-panel action's activity (its category and sub-area)."""

    category: str | None = None
    sub_area: str | None = None


@dataclass(frozen=True, slots=True)
class AgendaContent:
    agenda: AgendaRead
    chair: str
    produced_on: date
    cases: dict[int, CaseDetail] = field(default_factory=dict)
    subjects: dict[int, SubjectDetail] = field(default_factory=dict)
    activities: dict[int, ActionActivity] = field(default_factory=dict)
    # Set for an agency's extract: its name.
    agency: str | None = None


def slot(item: AgendaItem) -> Cell:
    lines: list[Line] = [
        Strong(str(item.position)),
        f"{clock(item.slot_start)}{DASH}{clock(item.slot_end)}",
    ]
    if OUTCOME[item.outcome]:
        lines.append(OUTCOME[item.outcome])
    return lines


def lines(values: Sequence[str], empty: str) -> Cell:
    """One line per value, or ``empty`` when there are none."""
    return list[Line](values) if values else empty


def owner(item: AgendaItem) -> str:
    if item.case is not None:
        return item.case.reference
    if item.subject is not None:
        return item.subject.reference
    return NONE


def due(action: AgendaAction) -> Cell:
    due = short_day(action.due_date)
    return [due, Strong("Overdue")] if action.overdue else due
