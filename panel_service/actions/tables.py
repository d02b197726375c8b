"""Actions agreed at a panel, owned by one agency, and their status history."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from panel_service.accounts.tables import User
from panel_service.agencies.tables import Agency
from panel_service.cases.tables import Case, PerpetratorSubject
from panel_service.meetings.tables import Listing
from panel_service.panels.tables import Panel


class ActionStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    NOT_COMPLETED_CIRCUMSTANCES_CHANGED = "not_completed_circumstances_changed"
    NOT_COMPLETED_NOT_DONE = "not_completed_not_done"


class ActionCategory(StrEnum):
    """Perpetrator-panel activity categories (domain.md §3); MARAC actions use none."""

    SUPPORT = "support"
    DISRUPTION = "disruption"
    BEHAVIOUR_CHANGE = "behaviour_change"


class Action(Table, tablename="action"):
    id: Serial
    listing = ForeignKey(null=False, references=Listing, on_delete=OnDelete.restrict, index=True)
    case = ForeignKey(references=Case, null=True, on_delete=OnDelete.restrict, index=True)
    subject = ForeignKey(
        references=PerpetratorSubject, null=True, on_delete=OnDelete.restrict, index=True
    )
    agency = ForeignKey(null=False, references=Agency, on_delete=OnDelete.restrict, index=True)
    # The panel of the meeting that agreed it (never changes): who runs a panel sees its
    # actions, read from one index instead of through listing and meeting. Always set;
    # nullable only because SQLite cannot add a NOT NULL reference to a filled table.
    panel = ForeignKey(references=Panel, null=True, on_delete=OnDelete.restrict)
    owner = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    owner_name = Varchar(length=200, default="")
    description = Text()
    due_date = Date()
    category = Varchar(length=30, choices=ActionCategory, null=True, default=None)
    sub_area = Varchar(length=60, null=True, default=None)
    status = Varchar(length=40, choices=ActionStatus, default="open")
    outcome_note = Text(default="")
    closed_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ActionStatusChange(Table, tablename="action_status_change"):
    id: Serial
    action = ForeignKey(null=False, references=Action, on_delete=OnDelete.restrict, index=True)
    from_status = Varchar(length=40, null=True, default=None)
    to_status = Varchar(length=40)
    note = Text(default="")
    changed_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    changed_at = Timestamptz(default=TimestamptzNow())
