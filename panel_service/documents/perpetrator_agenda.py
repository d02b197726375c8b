"""The perpetrator panel's part of an agenda (domain.md §3): subjects with their linked
victims (by case reference only), RFG-V where recorded and Drive clocks, and open actions
grouped by activity:
support, disruption, behaviour change."""

from __future__ import annotations

from collections.abc import Sequence

from panel_service.documents.agenda_content import (
    NO_ITEMS,
    ActionActivity,
    AgendaContent,
    SubjectDetail,
    due,
    lines,
    owner,
    slot,
)
from panel_service.documents.base import Cell, Column, DocumentBuilder, Line, Strong
from panel_service.documents.wording import CATEGORY, NONE
from panel_service.meetings.schemas import AgendaItem

SUBJECT_COLUMNS = (
    Column("Slot", 2.1),
    Column("Perpetrator", 3.1),
    Column("Linked victims", 2.3),
    Column("Referred by", 2.4),
    Column("Status", 2.1),
    Column("Drive clocks", 5.0),
)


def subject_table(
    doc: DocumentBuilder, content: AgendaContent, items: Sequence[AgendaItem]
) -> None:
    rows: list[list[Cell]] = []
    for item in items:
        subject = item.subject
        assert subject is not None
        detail = content.subjects.get(subject.id, SubjectDetail())
        person: list[Line] = [Strong(subject.reference), subject.name]
        if subject.serial_perpetrator:
            person.append(Strong("Serial perpetrator"))
        status: list[Line] = [detail.status or NONE]
        if detail.pathway:
            status.append(detail.pathway)
        status.extend(detail.rfgv)
        rows.append(
            [
                slot(item),
                person,
                lines(detail.victims, NONE),
                detail.referring_agency or NONE,
                status,
                lines(detail.clocks, "Not recorded"),
            ]
        )
    if rows:
        doc.table(SUBJECT_COLUMNS, rows)
    else:
        doc.paragraph(NO_ITEMS, "note")


ACTIVITY_COLUMNS = (
    Column("Perpetrator", 2.4),
    Column("Agency", 3.2),
    Column("Action", 9.2),
    Column("Due", 2.2),
)


def actions_by_activity(
    doc: DocumentBuilder, content: AgendaContent, items: Sequence[AgendaItem]
) -> None:
    groups: dict[str | None, list[list[Cell]]] = {key: [] for key in (*CATEGORY, None)}
    for item in items:
        for action in item.open_actions:
            activity = content.activities.get(action.id, ActionActivity())
            key = activity.category if activity.category in groups else None
            description: list[Line] = [action.description]
            if activity.sub_area:
                description.append(activity.sub_area.replace("_", " ").capitalize())
            if action.owner_name:
                description.append(f"Owner: {action.owner_name}")
            groups[key].append([owner(item), action.agency_name, description, due(action)])
    for key, rows in groups.items():
        if key is None and not rows:
            continue
        doc.heading(CATEGORY[key] if key else "Other", 2)
        if rows:
            doc.table(ACTIVITY_COLUMNS, rows)
        else:
            doc.paragraph("No open actions.", "note")
