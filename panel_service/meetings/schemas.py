"""Request and response shapes for meetings, listings, attendance and the victim's voice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from panel_service.meetings.tables import (
    AttendanceStatus,
    ListingKind,
    ListingOutcome,
    MeetingStatus,
    VoiceNotObtainedReason,
)
from panel_service.panels.tables import PanelKind
from panel_service.validation import NO_NUL, Id, Name, ShortText, Text


class MeetingCreate(msgspec.Struct, forbid_unknown_fields=True):
    panel_id: Id
    starts_at: datetime
    ends_at: datetime | None = None
    venue: ShortText | None = None
    video_link: ShortText | None = None
    chair_id: Id | None = None


class MeetingsFromSchedule(msgspec.Struct, forbid_unknown_fields=True):
    panel_id: Id
    until: date


class MeetingReschedule(msgspec.Struct, forbid_unknown_fields=True):
    starts_at: datetime
    ends_at: datetime | None = None
    venue: ShortText | msgspec.UnsetType = msgspec.UNSET
    video_link: ShortText | msgspec.UnsetType = msgspec.UNSET


class MeetingCancel(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000, pattern=NO_NUL)]


class MeetingRead(msgspec.Struct):
    id: int
    panel_id: int
    starts_at: datetime
    ends_at: datetime
    venue: str
    video_link: str
    status: MeetingStatus
    cancelled_reason: str
    chair_id: int | None
    minutes_due_on: date
    listed_cases: int
    capacity: int


class ListingCreate(msgspec.Struct, forbid_unknown_fields=True):
    case_id: Id | None = None
    subject_id: Id | None = None
    lapse_review: bool = False


class ListingOutcomeUpdate(msgspec.Struct, forbid_unknown_fields=True):
    outcome: ListingOutcome
    deferral_reason: Annotated[str, msgspec.Meta(max_length=2000, pattern=NO_NUL)] = ""


class ListingRead(msgspec.Struct):
    id: int
    meeting_id: int
    case_id: int | None
    subject_id: int | None
    kind: ListingKind
    outcome: ListingOutcome
    deferral_reason: str
    listed_at: datetime


class AttendanceUpdate(msgspec.Struct, forbid_unknown_fields=True):
    status: AttendanceStatus
    representative_id: Id | None = None
    attendee_name: Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    information_sent_on: date | None = None
    confidentiality_signed: bool = False


class ObserverCreate(msgspec.Struct, forbid_unknown_fields=True):
    attendee_name: Name
    agency_id: Id | None = None
    confidentiality_signed: bool = False


class AttendanceRead(msgspec.Struct):
    id: int
    meeting_id: int
    agency_id: int | None
    agency_name: str | None
    representative_id: int | None
    attendee_name: str
    status: AttendanceStatus
    information_sent_on: date | None
    confidentiality_signed: bool


class VictimVoiceSubmit(msgspec.Struct, forbid_unknown_fields=True):
    """Either the victim's views (with how and when they were contacted) or the reason
    they could not be obtained."""

    views: Text = ""
    wishes: Text = ""
    fears: Text = ""
    safety_concerns: Text = ""
    contact_date: date | None = None
    contact_means: ShortText = ""
    not_obtained_reason: VoiceNotObtainedReason | None = None
    contact_attempts: Annotated[int, msgspec.Meta(ge=0, le=100)] = 0


class VictimVoiceRead(msgspec.Struct):
    listing_id: int
    obtained: bool
    views: str
    wishes: str
    fears: str
    safety_concerns: str
    contact_date: date | None
    contact_means: str
    not_obtained_reason: VoiceNotObtainedReason | None
    contact_attempts: int
    submitted_by_id: int | None
    submitted_at: datetime


class AgendaAction(msgspec.Struct):
    id: int
    agency_id: int
    agency_name: str
    owner_name: str
    description: str
    due_date: date
    overdue: bool


class AgendaCase(msgspec.Struct):
    id: int
    reference: str
    victim_name: str
    victim_date_of_birth: date | None
    perpetrator_name: str
    serial_perpetrator: bool
    is_repeat: bool
    dash_score: int | None
    children: int
    referral_date: date
    referring_agency: str
    assigned_idva_id: int | None


class AgendaSubject(msgspec.Struct):
    id: int
    reference: str
    name: str
    serial_perpetrator: bool


class AgendaItem(msgspec.Struct):
    listing_id: int
    position: int
    section: str
    kind: ListingKind
    outcome: ListingOutcome
    slot_start: datetime
    slot_end: datetime
    victim_voice: str
    victim_voice_reason: str | None
    case: AgendaCase | None
    subject: AgendaSubject | None
    open_actions: list[AgendaAction]


class AgendaAttendance(msgspec.Struct):
    agency_id: int | None
    agency_name: str | None
    status: AttendanceStatus
    attendee_name: str
    information_sent_on: date | None
    confidentiality_signed: bool


class AgendaRead(msgspec.Struct):
    meeting_id: int
    panel_id: int
    panel_name: str
    panel_kind: PanelKind
    status: MeetingStatus
    starts_at: datetime
    ends_at: datetime
    venue: str
    video_link: str
    minutes_due_on: date
    capacity: int
    listed_cases: int
    ready_to_publish: bool
    agenda_ends_at: datetime
    overruns: bool
    items: list[AgendaItem]
    attendance: list[AgendaAttendance]
