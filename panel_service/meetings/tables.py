"""Meetings, their agenda listings, attendance and the victim's voice."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from panel_service.accounts.tables import User
from panel_service.agencies.tables import Agency
from panel_service.cases.tables import Case, PerpetratorSubject
from panel_service.panels.tables import Panel


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    AGENDA_PUBLISHED = "agenda_published"
    IN_SESSION = "in_session"
    MINUTES_DRAFTED = "minutes_drafted"
    MINUTES_APPROVED = "minutes_approved"
    MINUTES_CIRCULATED = "minutes_circulated"
    CANCELLED = "cancelled"


class ListingKind(StrEnum):
    """Why a case is on the agenda; also its section, in agenda order."""

    ACTIONS_REVIEW = "actions_review"
    NEW = "new"
    REPEAT = "repeat"
    LAPSE_REVIEW = "lapse_review"
    PERPETRATOR = "perpetrator"


class ListingOutcome(StrEnum):
    LISTED = "listed"
    HEARD = "heard"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"


class AttendanceStatus(StrEnum):
    INVITED = "invited"
    PRESENT = "present"
    APOLOGIES = "apologies"
    APOLOGIES_INFORMATION_SENT = "apologies_information_sent"
    ABSENT = "absent"
    OBSERVER = "observer"


class VoiceNotObtainedReason(StrEnum):
    NO_SAFE_CONTACT = "no_safe_contact"
    DECLINED = "declined"
    UNSAFE_TO_CONTACT = "unsafe_to_contact"


class Meeting(Table, tablename="meeting"):
    """One sitting of a panel. Rescheduling changes the times, never the identity."""

    id: Serial
    panel = ForeignKey(null=False, references=Panel, on_delete=OnDelete.restrict, index=True)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    venue = Varchar(length=300, default="")
    video_link = Varchar(length=500, default="")
    status = Varchar(length=30, choices=MeetingStatus, default="scheduled")
    cancelled_reason = Text(default="")
    chair = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    # The calendar event's SEQUENCE (RFC 5545): raised each time invitees are told of a
    # change (rescheduled, cancelled), so their calendars replace the earlier invite.
    calendar_sequence = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class Listing(Table, tablename="listing"):
    """A case (or a perpetrator subject) on a meeting's agenda."""

    id: Serial
    meeting = ForeignKey(null=False, references=Meeting, on_delete=OnDelete.restrict, index=True)
    case = ForeignKey(references=Case, null=True, on_delete=OnDelete.restrict, index=True)
    subject = ForeignKey(
        references=PerpetratorSubject, null=True, on_delete=OnDelete.restrict, index=True
    )
    kind = Varchar(length=20, choices=ListingKind)
    outcome = Varchar(length=20, choices=ListingOutcome, default="listed")
    deferral_reason = Text(default="")
    listed_at = Timestamptz(default=TimestamptzNow())


class Attendance(Table, tablename="attendance"):
    """One agency's (or one observer's) attendance at a meeting."""

    id: Serial
    meeting = ForeignKey(null=False, references=Meeting, on_delete=OnDelete.restrict, index=True)
    agency = ForeignKey(references=Agency, null=True, on_delete=OnDelete.restrict, index=True)
    representative = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    attendee_name = Varchar(length=200, default="")
    status = Varchar(length=40, choices=AttendanceStatus, default="invited")
    information_sent_on = Date(null=True, default=None)
    confidentiality_signed = Boolean(default=False)


class VictimVoice(Table, tablename="victim_voice"):
    """The victim's views for one listing, or the recorded reason they could not be had."""

    id: Serial
    listing = ForeignKey(null=False, references=Listing, unique=True, on_delete=OnDelete.restrict)
    submitted_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    views = Text(default="")
    wishes = Text(default="")
    fears = Text(default="")
    safety_concerns = Text(default="")
    contact_date = Date(null=True, default=None)
    contact_means = Varchar(length=100, default="")
    not_obtained_reason = Varchar(
        length=30, choices=VoiceNotObtainedReason, null=True, default=None
    )
    contact_attempts = Integer(default=0)
    submitted_at = Timestamptz(default=TimestamptzNow())
