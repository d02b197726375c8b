"""Building a meeting's ``MinutesData`` from the records (``statements``: a fixed number
whatever the number of listings), and the digest that tells whether the minutes changed."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from panel_service import db
from panel_service.actions.schemas import ActionSubArea
from panel_service.actions.tables import ActionCategory, ActionStatus
from panel_service.cases.subject_views import subjects_as_listed
from panel_service.cases.tables import Pathway, SubjectStatus
from panel_service.errors import NotFound
from panel_service.meetings.agenda import ATTENDANCE_SQL, section_of
from panel_service.meetings.services import minutes_due_on
from panel_service.meetings.tables import (
    AttendanceStatus,
    ListingKind,
    ListingOutcome,
    MeetingStatus,
    VoiceNotObtainedReason,
)
from panel_service.minutes.schemas import (
    DriveClockStatuses,
    MinutesAction,
    MinutesAttendance,
    MinutesCase,
    MinutesData,
    MinutesItem,
    MinutesMeeting,
    MinutesSubject,
    MinutesVictimVoice,
    NotHeardListing,
    SharedInformation,
    agencies_party_to,
)
from panel_service.minutes.statements import (
    AGREED_SQL,
    INFORMATION_SQL,
    LISTINGS_SQL,
    MEETING_SQL,
    MINUTED,
    PREVIOUS_SITTING_SQL,
    REVIEWED_SQL,
    SAT,
)
from panel_service.panels.tables import PanelKind


def _datetime(value: Any) -> datetime:
    return msgspec.convert(value, datetime)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def build_minutes(meeting_id: int, now: datetime | None = None) -> MinutesData:
    """The live minutes of a meeting (``version`` None): no access check, no audit."""
    now = now or datetime.now(UTC)
    meetings = await db.fetch(MEETING_SQL, meeting_id)
    if not meetings:
        raise NotFound(f"meeting {meeting_id} not found")
    meeting = meetings[0]
    zone = ZoneInfo(meeting["timezone"])
    starts_at = _datetime(meeting["starts_at"])
    listings = await db.fetch(LISTINGS_SQL, meeting_id, *MINUTED, ListingOutcome.DEFERRED.value)
    shared: dict[int, list[SharedInformation]] = defaultdict(list)
    for row in await db.fetch(INFORMATION_SQL, meeting_id):
        shared[row["listing_id"]].append(msgspec.convert(row, SharedInformation, strict=False))
    agreed: dict[int, list[MinutesAction]] = defaultdict(list)
    for row in await db.fetch(AGREED_SQL, meeting_id):
        agreed[row["listing_id"]].append(_action(row))
    active = [r for r in listings if r["outcome"] in MINUTED]
    reviewed = await _reviewed_actions(meeting, active, zone)
    subjects = await subjects_as_listed([r["subject_id"] for r in active if r["subject_id"]], now)
    ordered = sorted(
        active, key=lambda r: (section_of(ListingKind(r["kind"]), r["children"] or 0), r["id"])
    )
    items = [
        _item(position, row, shared, agreed, reviewed, subjects)
        for position, row in enumerate(ordered, start=1)
    ]
    review_kind = ListingKind.ACTIONS_REVIEW
    return MinutesData(
        meeting=MinutesMeeting(
            id=meeting["id"],
            panel_id=meeting["panel_id"],
            panel_name=meeting["panel_name"],
            panel_kind=PanelKind(meeting["panel_kind"]),
            timezone=meeting["timezone"],
            day=starts_at.astimezone(zone).date(),
            starts_at=starts_at.astimezone(zone),
            ends_at=_datetime(meeting["ends_at"]).astimezone(zone),
            venue=meeting["venue"],
            video_link=meeting["video_link"],
            chair_id=meeting["chair_id"],
            chair_name=meeting["chair_name"],
            minutes_due_on=minutes_due_on(starts_at, meeting),
        ),
        status=MeetingStatus(meeting["status"]),
        version=None,
        approved_at=None,
        approved_by_id=None,
        approved_by_name=None,
        attendance=[
            MinutesAttendance(
                agency_id=a["agency_id"],
                agency_name=a["agency_name"],
                attendee_name=a["attendee_name"],
                status=AttendanceStatus(a["status"]),
                information_sent_on=a["information_sent_on"] and _date(a["information_sent_on"]),
                confidentiality_signed=bool(a["confidentiality_signed"]),
            )
            for a in await db.fetch(ATTENDANCE_SQL, meeting_id)
        ],
        actions_review=[i for i in items if i.kind == review_kind],
        items=[i for i in items if i.kind != review_kind],
        deferred=[
            NotHeardListing(
                listing_id=r["id"],
                kind=ListingKind(r["kind"]),
                reference=r["case_reference"] or r["subject_reference"],
                reason=r["deferral_reason"],
            )
            for r in listings
            if r["outcome"] == ListingOutcome.DEFERRED.value
        ],
        built_at=now,
    )


def _action(row: dict[str, Any]) -> MinutesAction:
    return MinutesAction(
        id=row["id"],
        agreed_at_meeting_id=row["agreed_at_meeting_id"],
        agency_id=row["agency_id"],
        agency_name=row["agency_name"],
        owner_name=row["owner_name"],
        description=row["description"],
        due_date=_date(row["due_date"]),
        category=ActionCategory(row["category"]) if row["category"] else None,
        sub_area=ActionSubArea(row["sub_area"]) if row["sub_area"] else None,
        status=ActionStatus(row["status"]),
        outcome_note=row["outcome_note"],
        closed_on=row["closed_on"] and _date(row["closed_on"]),
    )


async def _reviewed_actions(
    meeting: dict[str, Any], listings: list[dict[str, Any]], zone: ZoneInfo
) -> dict[tuple[str, int], list[MinutesAction]]:
    """The actions each review of incomplete actions covers, by ("case"|"subject", id)."""
    if not any(r["kind"] == ListingKind.ACTIONS_REVIEW.value for r in listings):
        return {}
    previous = await db.fetch(PREVIOUS_SITTING_SQL, meeting["panel_id"], meeting["id"], *SAT)
    since = _datetime(previous[0]["starts_at"]).astimezone(zone).date() if previous else date.min
    reviewing = (meeting["id"], ListingKind.ACTIONS_REVIEW.value, *MINUTED)
    rows = await db.fetch(
        REVIEWED_SQL,
        *reviewing,
        *reviewing,
        meeting["id"],
        meeting["id"],
        ActionStatus.OPEN.value,
        since,
    )
    found: dict[tuple[str, int], list[MinutesAction]] = defaultdict(list)
    for row in rows:
        owner = ("case", row["case_id"]) if row["case_id"] else ("subject", row["subject_id"])
        found[owner].append(_action(row))
    return found


def _case(row: dict[str, Any]) -> MinutesCase:
    return MinutesCase(
        id=row["case_id"],
        reference=row["case_reference"],
        is_repeat=bool(row["is_repeat"]),
        victim_name=row["victim_name"],
        perpetrator_name=row["perpetrator_name"],
        children=row["children"] or 0,
        referring_agency_id=row["referring_agency_id"],
        referring_agency_name=row["referring_agency_name"],
    )


def _subject(row: dict[str, Any], fields: dict[str, Any]) -> MinutesSubject:
    clocks = fields["clocks"]
    return MinutesSubject(
        id=row["subject_id"],
        reference=row["subject_reference"],
        name=row["subject_name"],
        status=SubjectStatus(fields["status"]),
        pathway=Pathway(fields["pathway"]) if fields["pathway"] else None,
        serial_perpetrator=fields["serial_perpetrator"],
        victim_case_references=[ref for ref in fields["victim_cases"] if ref],
        victims_without_case=sum(1 for ref in fields["victim_cases"] if not ref),
        referring_agency_id=row["referring_agency_id"],
        referring_agency_name=row["referring_agency_name"],
        drive_clocks=DriveClockStatuses(
            response=clocks.response.status,
            initial_assessment=clocks.initial_assessment.status,
            plan_sign_off=clocks.plan_sign_off.status,
        ),
        rfgv=fields["rfgv"],
    )


def _voice(row: dict[str, Any]) -> MinutesVictimVoice | None:
    if row["voice_id"] is None:
        return None
    return MinutesVictimVoice(
        obtained=row["not_obtained_reason"] is None,
        views=row["views"],
        wishes=row["wishes"],
        fears=row["fears"],
        safety_concerns=row["safety_concerns"],
        not_obtained_reason=VoiceNotObtainedReason(row["not_obtained_reason"])
        if row["not_obtained_reason"]
        else None,
        contact_attempts=row["contact_attempts"],
    )


def _item(
    position: int,
    row: dict[str, Any],
    shared: dict[int, list[SharedInformation]],
    agreed: dict[int, list[MinutesAction]],
    reviewed: dict[tuple[str, int], list[MinutesAction]],
    subjects: dict[int, dict[str, Any]],
) -> MinutesItem:
    kind = ListingKind(row["kind"])
    owner = ("case", row["case_id"]) if row["case_id"] else ("subject", row["subject_id"])
    item = MinutesItem(
        listing_id=row["id"],
        position=position,
        section=section_of(kind, row["children"] or 0).name.lower(),
        kind=kind,
        outcome=ListingOutcome(row["outcome"]),
        case=_case(row) if row["case_id"] else None,
        subject=_subject(row, subjects[row["subject_id"]]) if row["subject_id"] else None,
        information_shared=shared.get(row["id"], []),
        victim_voice=_voice(row),
        risks_identified=row["risks_identified"] or "",
        reviewed_actions=reviewed.get(owner, []) if kind == ListingKind.ACTIONS_REVIEW else [],
        action_plan=agreed.get(row["id"], []),
        party_agency_ids=[],
    )
    item.party_agency_ids = sorted(agencies_party_to(item))
    return item


def content_digest(minutes: MinutesData) -> str:
    """A digest of what the minutes record and the meeting can still change once approved:
    each listing's risks identified and information shared, and the action plan as agreed
    (owner, description, due date, activity). Action outcomes reported later, the Drive
    clocks and the approval itself are left out: they do not make new minutes."""
    listings = sorted(
        (
            item.listing_id,
            item.risks_identified,
            sorted((s.agency_id, s.text) for s in item.information_shared),
            sorted(
                (
                    a.id,
                    a.agency_id,
                    a.owner_name,
                    a.description,
                    str(a.due_date),
                    a.category or "",
                    a.sub_area or "",
                )
                for a in item.action_plan
            ),
        )
        for item in (*minutes.actions_review, *minutes.items)
    )
    return hashlib.sha256(msgspec.json.encode(listings)).hexdigest()
