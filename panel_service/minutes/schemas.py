"""Request and response shapes for a listing's minutes, and ``MinutesData``: everything the
Word minutes of one meeting are rendered from.

``MinutesData`` never carries victim contact fields (address, phone, safe times, who is
safe to talk to, schools) nor how and when the victim was contacted: the minutes record
the victim's voice itself (domain.md §2.5). The victim's voice is restricted from agency
representatives: a per-agency extract must leave ``victim_voice`` out.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from panel_service.actions.schemas import ActionSubArea
from panel_service.actions.tables import ActionCategory, ActionStatus
from panel_service.cases.schemas import ClockStatus, RfgvRead
from panel_service.cases.tables import Pathway, SubjectStatus
from panel_service.meetings.tables import (
    AttendanceStatus,
    ListingKind,
    ListingOutcome,
    MeetingStatus,
    VoiceNotObtainedReason,
)
from panel_service.panels.tables import PanelKind
from panel_service.validation import Id, Text

# Enough for every agency at a panel, with room; a longer list is refused, not a crash.
MAX_INFORMATION_SHARED = 100

# Requests and the listing's own read -----------------------------------------------------


class InformationSharedWrite(msgspec.Struct, forbid_unknown_fields=True):
    agency_id: Id
    text: Text


class ListingMinutesWrite(msgspec.Struct, forbid_unknown_fields=True):
    """The listing's minutes as a whole (the list replaces what was shared before; an
    agency left out, or given blank text, has shared nothing). ``revision`` is the one
    the editor started from: 0 when nothing was saved yet."""

    risks_identified: Text
    information_shared: Annotated[
        list[InformationSharedWrite], msgspec.Meta(max_length=MAX_INFORMATION_SHARED)
    ]
    revision: Annotated[int, msgspec.Meta(ge=0)]


class SharedInformation(msgspec.Struct):
    """What one agency shared about a listing."""

    agency_id: int
    agency_name: str
    text: str


class ListingMinutesRead(msgspec.Struct):
    listing_id: int
    risks_identified: str
    information_shared: list[SharedInformation]
    # 0 until the first save; send it back with the next save.
    revision: int
    updated_at: datetime | None
    updated_by_id: int | None


class MinutesVersionRead(msgspec.Struct):
    number: int
    approved_at: datetime
    approved_by_id: int | None


# MinutesData ------------------------------------------------------------------------------


class MinutesMeeting(msgspec.Struct):
    """The sitting; times are in the panel's own time zone (``timezone``)."""

    id: int
    panel_id: int
    panel_name: str
    panel_kind: PanelKind
    timezone: str
    day: date
    starts_at: datetime
    ends_at: datetime
    venue: str
    video_link: str
    chair_id: int | None
    chair_name: str | None
    minutes_due_on: date


class MinutesAttendance(msgspec.Struct):
    """One agency's attendance, or an observer's (``status`` observer; agency optional)."""

    agency_id: int | None
    agency_name: str | None
    attendee_name: str
    status: AttendanceStatus
    information_sent_on: date | None
    confidentiality_signed: bool


class MinutesAction(msgspec.Struct):
    """An action: in ``action_plan`` as agreed at this meeting, in ``reviewed_actions`` as
    agreed earlier with its reported outcome. The two "not completed" outcomes are distinct
    ``status`` values (circumstances changed / the agency has not done it)."""

    id: int
    agreed_at_meeting_id: int
    agency_id: int
    agency_name: str
    owner_name: str
    description: str
    due_date: date
    category: ActionCategory | None
    sub_area: ActionSubArea | None
    status: ActionStatus
    outcome_note: str
    closed_on: date | None


class MinutesVictimVoice(msgspec.Struct):
    """The victim's views, wishes, fears and safety concerns, or the reason they could not
    be obtained (with the number of safe contact attempts). Restricted: not for agency
    representatives."""

    obtained: bool
    views: str
    wishes: str
    fears: str
    safety_concerns: str
    not_obtained_reason: VoiceNotObtainedReason | None
    contact_attempts: int


class MinutesCase(msgspec.Struct):
    id: int
    reference: str
    is_repeat: bool
    victim_name: str
    perpetrator_name: str
    children: int
    referring_agency_id: int
    referring_agency_name: str


class DriveClockStatuses(msgspec.Struct):
    """Where each Drive service clock stood when the minutes were built."""

    response: ClockStatus
    initial_assessment: ClockStatus
    plan_sign_off: ClockStatus


class MinutesSubject(msgspec.Struct):
    """A perpetrator heard by a perpetrator panel; linked victims by case reference only."""

    id: int
    reference: str
    name: str
    status: SubjectStatus
    pathway: Pathway | None
    serial_perpetrator: bool
    victim_case_references: list[str]
    victims_without_case: int
    referring_agency_id: int
    referring_agency_name: str
    drive_clocks: DriveClockStatuses
    # Absent from versions approved before RFG-V was recorded.
    rfgv: RfgvRead | None = None


class MinutesItem(msgspec.Struct):
    """One listing in agenda order (``position`` and ``section`` as on the agenda): a case
    or a perpetrator subject. ``party_agency_ids``: the agencies this listing concerns (see
    ``agencies_party_to``), to cut a per-agency extract."""

    listing_id: int
    position: int
    section: str
    kind: ListingKind
    outcome: ListingOutcome
    case: MinutesCase | None
    subject: MinutesSubject | None
    information_shared: list[SharedInformation]
    victim_voice: MinutesVictimVoice | None
    risks_identified: str
    # Only on a review of incomplete actions: the actions agreed at earlier meetings.
    reviewed_actions: list[MinutesAction]
    action_plan: list[MinutesAction]
    party_agency_ids: list[int]


class NotHeardListing(msgspec.Struct):
    """A case or subject deferred at this meeting, with the reason."""

    listing_id: int
    kind: ListingKind
    reference: str
    reason: str


class MinutesData(msgspec.Struct):
    """Everything the minutes of one meeting record (domain.md §2.5). ``version`` is None
    for the live draft; an approved version carries its number and approval."""

    meeting: MinutesMeeting
    status: MeetingStatus
    version: int | None
    approved_at: datetime | None
    approved_by_id: int | None
    approved_by_name: str | None
    attendance: list[MinutesAttendance]
    # Review of incomplete actions from earlier meetings, in agenda order.
    actions_review: list[MinutesItem]
    # New, repeat and lapse-review cases (children first), then perpetrator subjects.
    items: list[MinutesItem]
    deferred: list[NotHeardListing]
    # When these minutes were built (the Drive clocks and action outcomes are as at then).
    built_at: datetime


def agencies_party_to(item: MinutesItem) -> set[int]:
    """The agencies a listing concerns: the one that referred the case or subject, those
    owning an action on it (agreed here or under review), and those that shared information
    on it. A per-agency extract holds the listings its agency is party to."""
    referrer = item.case or item.subject
    agencies = {referrer.referring_agency_id} if referrer else set()
    agencies |= {a.agency_id for a in (*item.action_plan, *item.reviewed_actions)}
    agencies |= {shared.agency_id for shared in item.information_shared}
    return agencies
