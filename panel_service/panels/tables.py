"""Panels: standing forums (a MARAC or a perpetrator panel) and their local settings."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Time, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from panel_service.accounts.tables import User
from panel_service.agencies.tables import Agency


class PanelKind(StrEnum):
    MARAC = "marac"
    PERPETRATOR_PANEL = "perpetrator_panel"


class RepeatDefinition(StrEnum):
    """SafeLives' current definition (any abuse) or the older, narrower one."""

    CURRENT = "current"
    LEGACY = "legacy"


class Nation(StrEnum):
    """Whose bank holidays count (subdivisions of ``holidays.UK``)."""

    ENGLAND = "ENG"
    WALES = "WLS"
    SCOTLAND = "SCT"
    NORTHERN_IRELAND = "NIR"


class Panel(Table, tablename="panel"):
    id: Serial
    name = Varchar(length=200, unique=True)
    kind = Varchar(length=30, choices=PanelKind)
    area = Varchar(length=200)
    # Schedule: an RFC 5545 RRULE (e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TH) from first_date.
    recurrence_rule = Varchar(length=300)
    first_date = Date()
    start_time = Time()
    end_time = Time()
    timezone = Varchar(length=60, default="Europe/London")
    venue = Varchar(length=300, default="")
    video_link = Varchar(length=500, default="")
    # Local settings (domain.md marks these "(local)").
    dash_threshold = Integer(default=14)
    repeat_definition = Varchar(length=10, choices=RepeatDefinition, default="current")
    repeat_window_months = Integer(default=12)
    escalation_incidents = Integer(default=3)
    escalation_window_months = Integer(default=12)
    escalation_police_only = Boolean(default=False)
    minutes_deadline_working_days = Integer(default=3)
    minutes_per_case = Integer(default=10)
    max_cases_per_meeting = Integer(default=20)
    research_working_days = Integer(default=5)
    nation = Varchar(length=3, choices=Nation, default="ENG")
    created_at = Timestamptz(default=TimestamptzNow())


class PanelAgency(Table, tablename="panel_agency"):
    """An agency invited to every meeting of a panel by default."""

    id: Serial
    panel = ForeignKey(null=False, references=Panel, on_delete=OnDelete.restrict, index=True)
    agency = ForeignKey(null=False, references=Agency, on_delete=OnDelete.restrict, index=True)


class PanelStaff(Table, tablename="panel_staff"):
    """A coordinator or chair who runs a panel: their panels are the ones they may see."""

    id: Serial
    panel = ForeignKey(null=False, references=Panel, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(null=False, references=User, on_delete=OnDelete.restrict, index=True)
