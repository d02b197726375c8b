"""Request and response shapes for panels."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

import msgspec

from panel_service.panels.tables import Nation, PanelKind, RepeatDefinition
from panel_service.validation import Id, Name, ShortText

Count = Annotated[int, msgspec.Meta(ge=1, le=100)]
Months = Annotated[int, msgspec.Meta(ge=1, le=60)]
DashScore = Annotated[int, msgspec.Meta(ge=0, le=24)]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=120)]
WorkingDays = Annotated[int, msgspec.Meta(ge=0, le=60)]
Rule = Annotated[str, msgspec.Meta(min_length=6, max_length=300)]
AgencyIds = Annotated[list[Id], msgspec.Meta(max_length=100)]


class PanelSettings(msgspec.Struct, forbid_unknown_fields=True):
    """The local settings of domain.md, with the national defaults."""

    dash_threshold: DashScore = 14
    repeat_definition: RepeatDefinition = RepeatDefinition.CURRENT
    repeat_window_months: Months = 12
    escalation_incidents: Count = 3
    escalation_window_months: Months = 12
    escalation_police_only: bool = False
    minutes_deadline_working_days: WorkingDays = 3
    minutes_per_case: Minutes = 10
    max_cases_per_meeting: Count = 20
    research_working_days: WorkingDays = 5
    nation: Nation = Nation.ENGLAND


class PanelCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    kind: PanelKind
    area: Name
    recurrence_rule: Rule
    first_date: date
    start_time: time
    end_time: time
    timezone: Annotated[str, msgspec.Meta(max_length=60)] = "Europe/London"
    venue: ShortText = ""
    video_link: ShortText = ""
    settings: PanelSettings = msgspec.field(default_factory=PanelSettings)
    invited_agency_ids: AgencyIds = msgspec.field(default_factory=list)


class PanelSettingsUpdate(msgspec.Struct, forbid_unknown_fields=True):
    dash_threshold: DashScore | msgspec.UnsetType = msgspec.UNSET
    repeat_definition: RepeatDefinition | msgspec.UnsetType = msgspec.UNSET
    repeat_window_months: Months | msgspec.UnsetType = msgspec.UNSET
    escalation_incidents: Count | msgspec.UnsetType = msgspec.UNSET
    escalation_window_months: Months | msgspec.UnsetType = msgspec.UNSET
    escalation_police_only: bool | msgspec.UnsetType = msgspec.UNSET
    minutes_deadline_working_days: WorkingDays | msgspec.UnsetType = msgspec.UNSET
    minutes_per_case: Minutes | msgspec.UnsetType = msgspec.UNSET
    max_cases_per_meeting: Count | msgspec.UnsetType = msgspec.UNSET
    research_working_days: WorkingDays | msgspec.UnsetType = msgspec.UNSET
    nation: Nation | msgspec.UnsetType = msgspec.UNSET


class PanelUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    area: Name | msgspec.UnsetType = msgspec.UNSET
    recurrence_rule: Rule | msgspec.UnsetType = msgspec.UNSET
    first_date: date | msgspec.UnsetType = msgspec.UNSET
    start_time: time | msgspec.UnsetType = msgspec.UNSET
    end_time: time | msgspec.UnsetType = msgspec.UNSET
    timezone: Annotated[str, msgspec.Meta(max_length=60)] | msgspec.UnsetType = msgspec.UNSET
    venue: ShortText | msgspec.UnsetType = msgspec.UNSET
    video_link: ShortText | msgspec.UnsetType = msgspec.UNSET
    settings: PanelSettingsUpdate | msgspec.UnsetType = msgspec.UNSET
    invited_agency_ids: AgencyIds | msgspec.UnsetType = msgspec.UNSET


class PanelRead(msgspec.Struct):
    id: int
    name: str
    kind: PanelKind
    area: str
    recurrence_rule: str
    first_date: date
    start_time: time
    end_time: time
    timezone: str
    venue: str
    video_link: str
    settings: PanelSettings
    invited_agency_ids: list[int]
    created_at: datetime


class Sitting(msgspec.Struct):
    starts_at: datetime
    ends_at: datetime


class StaffAdd(msgspec.Struct, forbid_unknown_fields=True):
    user_id: Id


class StaffRead(msgspec.Struct):
    user_id: int
    full_name: str
    email: str
    role: str
