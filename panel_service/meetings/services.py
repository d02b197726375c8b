"""Verbs on meetings: creating them, rescheduling, and moving them through their lifecycle."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from piccolo.query.functions.aggregate import Count

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.accounts.tables import Role, User
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict, Invalid
from panel_service.meetings.schemas import (
    MeetingCreate,
    MeetingRead,
    MeetingReschedule,
    MeetingsFromSchedule,
)
from panel_service.meetings.tables import (
    Attendance,
    Listing,
    ListingKind,
    ListingOutcome,
    Meeting,
    MeetingStatus,
)
from panel_service.messaging import flows
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.panels.schedule import occurrences
from panel_service.panels.services import get_panel_row
from panel_service.panels.tables import Nation, PanelAgency
from panel_service.panels.working_days import add_working_days
from panel_service.records import fetch_row

# The lifecycle, in one place.
TRANSITIONS: dict[MeetingStatus, set[MeetingStatus]] = {
    MeetingStatus.SCHEDULED: {MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.CANCELLED},
    MeetingStatus.AGENDA_PUBLISHED: {MeetingStatus.IN_SESSION, MeetingStatus.CANCELLED},
    MeetingStatus.IN_SESSION: {MeetingStatus.MINUTES_DRAFTED},
    MeetingStatus.MINUTES_DRAFTED: {MeetingStatus.MINUTES_APPROVED},
    # Approving again makes a new version of changed minutes (checked by approve_minutes),
    # to be circulated again.
    MeetingStatus.MINUTES_APPROVED: {
        MeetingStatus.MINUTES_CIRCULATED,
        MeetingStatus.MINUTES_APPROVED,
    },
    MeetingStatus.MINUTES_CIRCULATED: {MeetingStatus.MINUTES_APPROVED},
    MeetingStatus.CANCELLED: set(),
}
# Before the meeting sits, its agenda can still change.
OPEN_FOR_LISTING = (MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED)
# Listings that take a slot and count towards the meeting's capacity.
ACTIVE_OUTCOMES = (ListingOutcome.LISTED.value, ListingOutcome.HEARD.value)
CASE_KINDS = (
    ListingKind.NEW.value,
    ListingKind.REPEAT.value,
    ListingKind.LAPSE_REVIEW.value,
    ListingKind.PERPETRATOR.value,
)
MAX_GENERATED = 100


def minutes_due_on(starts_at: datetime, panel: dict[str, Any]) -> date:
    """Minutes are due a number of working days after the sitting (a panel setting, in the
    panel's nation); ``panel`` needs timezone, minutes_deadline_working_days and nation."""
    local_day = starts_at.astimezone(ZoneInfo(panel["timezone"])).date()
    return add_working_days(
        local_day, panel["minutes_deadline_working_days"], Nation(panel["nation"])
    )


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise Invalid("give a time zone offset (e.g. Z or +01:00)", field=field)
    return value.astimezone(UTC)


def _default_end(starts_at: datetime, panel: dict[str, Any]) -> datetime:
    zone = ZoneInfo(panel["timezone"])
    local = starts_at.astimezone(zone)
    end_time: time = panel["end_time"]
    return datetime.combine(local.date(), end_time, tzinfo=zone).astimezone(UTC)


async def _check_chair(chair_id: int | None) -> None:
    if chair_id is None:
        return
    row = await User.select(User.role, User.active).where(User.id == chair_id).first()
    if row is None or not row["active"] or row["role"] not in (Role.CHAIR, Role.COORDINATOR):
        raise Invalid("the chair must be an active user with role chair", field="chair_id")


async def _insert_meeting(
    actor: Actor,
    panel: dict[str, Any],
    starts_at: datetime,
    ends_at: datetime,
    venue: str | None,
    video_link: str | None,
    chair_id: int | None,
) -> int:
    if ends_at <= starts_at:
        raise Invalid("a meeting must end after it starts", field="ends_at")
    meeting = Meeting(
        panel=panel["id"],
        starts_at=starts_at,
        ends_at=ends_at,
        venue=panel["venue"] if venue is None else venue,
        video_link=panel["video_link"] if video_link is None else video_link,
        chair=chair_id,
    )
    await meeting.save()
    invited = await PanelAgency.select(PanelAgency.agency).where(PanelAgency.panel == panel["id"])
    if invited:
        await Attendance.insert(
            *[Attendance(meeting=meeting.id, agency=row["agency"]) for row in invited]
        )
    await record_event(actor, "created", "meeting", meeting.id)
    return meeting.id


async def create_meeting(actor: Actor, data: MeetingCreate) -> MeetingRead:
    """Schedule one sitting; the panel's default agencies are invited."""
    await access.check(
        actor, access.Record.PANEL, data.panel_id, access.Right.RUN, field="panel_id"
    )
    starts_at = _aware(data.starts_at, "starts_at")
    async with db.transaction():
        panel = await get_panel_row(data.panel_id, field="panel_id")
        ends_at = (
            _aware(data.ends_at, "ends_at") if data.ends_at else _default_end(starts_at, panel)
        )
        await _check_chair(data.chair_id)
        meeting_id = await _insert_meeting(
            actor, panel, starts_at, ends_at, data.venue, data.video_link, data.chair_id
        )
    return await get_meeting(actor, meeting_id)


async def create_meetings_from_schedule(
    actor: Actor, data: MeetingsFromSchedule, now: datetime | None = None
) -> list[MeetingRead]:
    """Create the meetings the panel's schedule gives from now until ``until``; sittings that
    already have a meeting are left alone, so running it twice creates nothing new."""
    await access.check(
        actor, access.Record.PANEL, data.panel_id, access.Right.RUN, field="panel_id"
    )
    now = now or datetime.now(UTC)
    async with db.transaction():
        panel = await get_panel_row(data.panel_id, field="panel_id")
        zone = ZoneInfo(panel["timezone"])
        until = datetime.combine(data.until, time.max, tzinfo=zone)
        sittings = occurrences(
            panel["recurrence_rule"],
            panel["first_date"],
            panel["start_time"],
            panel["end_time"],
            panel["timezone"],
            after=now,
            until=until,
            limit=MAX_GENERATED + 1,
        )
        if len(sittings) > MAX_GENERATED:
            raise Invalid(f"at most {MAX_GENERATED} meetings at a time", field="until")
        existing = {
            row["starts_at"].astimezone(UTC)
            for row in await Meeting.select(Meeting.starts_at).where(
                (Meeting.panel == panel["id"]) & (Meeting.starts_at >= now)
            )
        }
        created = [
            await _insert_meeting(
                actor, panel, s.astimezone(UTC), e.astimezone(UTC), None, None, None
            )
            for s, e in sittings
            if s.astimezone(UTC) not in existing
        ]
    return (
        await _read_meetings(await Meeting.select().where(Meeting.id.is_in(created)))
        if created
        else []
    )


async def _read_meetings(rows: list[dict[str, Any]]) -> list[MeetingRead]:
    if not rows:
        return []
    panels = {}
    for panel_id in {r["panel"] for r in rows}:
        panels[panel_id] = await get_panel_row(panel_id)
    counts = (
        await Listing.select(Listing.meeting, Count(Listing.id, alias="n"))
        .where(
            Listing.meeting.is_in([r["id"] for r in rows])
            & Listing.kind.is_in(list(CASE_KINDS))
            & Listing.outcome.is_in(list(ACTIVE_OUTCOMES))
        )
        .group_by(Listing.meeting)
    )
    listed = {c["meeting"]: c["n"] for c in counts}
    return [
        MeetingRead(
            id=r["id"],
            panel_id=r["panel"],
            starts_at=r["starts_at"],
            ends_at=r["ends_at"],
            venue=r["venue"],
            video_link=r["video_link"],
            status=MeetingStatus(r["status"]),
            cancelled_reason=r["cancelled_reason"],
            chair_id=r["chair"],
            minutes_due_on=minutes_due_on(r["starts_at"], panels[r["panel"]]),
            listed_cases=listed.get(r["id"], 0),
            capacity=panels[r["panel"]]["max_cases_per_meeting"],
        )
        for r in rows
    ]


async def get_meeting(actor: Actor, meeting_id: int) -> MeetingRead:
    await access.check(actor, access.Record.MEETING, meeting_id)
    return (await _read_meetings([await fetch_row(Meeting, meeting_id, "meeting")]))[0]


async def list_meetings(
    actor: Actor,
    page: PageParams,
    panel_id: int | None = None,
    status: MeetingStatus | None = None,
    starts_from: datetime | None = None,
    starts_to: datetime | None = None,
) -> Page[MeetingRead]:
    rows, total = await fetch_page(
        Meeting.select().order_by(Meeting.starts_at),
        Meeting.count(),
        page,
        await access.visible(actor, access.Record.MEETING),
        Meeting.panel == panel_id if panel_id else None,
        Meeting.status == status.value if status else None,
        Meeting.starts_at >= starts_from if starts_from else None,
        Meeting.starts_at <= starts_to if starts_to else None,
    )
    return Page.of(await _read_meetings(rows), total, page)


async def reschedule_meeting(actor: Actor, meeting_id: int, data: MeetingReschedule) -> MeetingRead:
    """Move a sitting that has not yet sat; it keeps its identity, agenda and attendance."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    starts_at = _aware(data.starts_at, "starts_at")
    async with db.transaction():
        meeting = await fetch_row(Meeting, meeting_id, "meeting")
        if MeetingStatus(meeting["status"]) not in OPEN_FOR_LISTING:
            raise Conflict(f"a meeting that is {meeting['status']} cannot be rescheduled")
        panel = await get_panel_row(meeting["panel"])
        ends_at = (
            _aware(data.ends_at, "ends_at") if data.ends_at else _default_end(starts_at, panel)
        )
        if ends_at <= starts_at:
            raise Invalid("a meeting must end after it starts", field="ends_at")
        changes: dict[Any, Any] = {"starts_at": starts_at, "ends_at": ends_at}
        for name in ("venue", "video_link"):
            if getattr(data, name) is not msgspec.UNSET:
                changes[name] = getattr(data, name)
        await Meeting.update(changes).where(Meeting.id == meeting_id)
        await record_event(
            actor,
            "rescheduled",
            "meeting",
            meeting_id,
            {"from": meeting["starts_at"].isoformat(), "to": starts_at.isoformat()},
        )
        await flows.meeting_rescheduled(meeting_id)
    return await get_meeting(actor, meeting_id)
