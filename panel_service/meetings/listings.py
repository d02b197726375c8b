"""Verbs on listings: putting cases on agendas, their outcomes, and rolling actions forward."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.actions.tables import Action, ActionStatus
from panel_service.audit.trail import record_event
from panel_service.cases.tables import Case, CaseStatus, PerpetratorSubject
from panel_service.errors import Conflict, Invalid, NotFound
from panel_service.meetings.schemas import ListingCreate, ListingOutcomeUpdate, ListingRead
from panel_service.meetings.services import ACTIVE_OUTCOMES, CASE_KINDS, OPEN_FOR_LISTING
from panel_service.meetings.tables import (
    Listing,
    ListingKind,
    ListingOutcome,
    Meeting,
    MeetingStatus,
)
from panel_service.messaging import flows
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.panels.services import get_panel_row, settings_of
from panel_service.panels.tables import Nation
from panel_service.panels.working_days import add_working_days
from panel_service.records import fetch_row, to_struct

_LISTING_COLUMNS = (
    Listing.id,
    Listing.meeting.as_alias("meeting_id"),
    Listing.case.as_alias("case_id"),
    Listing.subject.as_alias("subject_id"),
    Listing.kind,
    Listing.outcome,
    Listing.deferral_reason,
    Listing.listed_at,
)
# Outcomes that can be recorded only once the meeting has sat.
SITTING_STATUSES = (MeetingStatus.IN_SESSION, MeetingStatus.MINUTES_DRAFTED)


async def get_listing(actor: Actor, listing_id: int) -> ListingRead:
    await access.check(actor, access.Record.LISTING, listing_id)
    row = await Listing.select(*_LISTING_COLUMNS).where(Listing.id == listing_id).first()
    if row is None:
        raise NotFound(f"listing {listing_id} not found")
    return to_struct(row, ListingRead)


async def list_listings(actor: Actor, meeting_id: int, page: PageParams) -> Page[ListingRead]:
    """A meeting's listings in the order they were made (the agenda orders them)."""
    await access.check(actor, access.Record.MEETING, meeting_id)
    await fetch_row(Meeting, meeting_id, "meeting")
    rows, total = await fetch_page(
        Listing.select(*_LISTING_COLUMNS).order_by(Listing.id),
        Listing.count(),
        page,
        Listing.meeting == meeting_id,
        None
        if access.sees_every_listing(actor)
        else await access.visible(actor, access.Record.LISTING),
    )
    return Page.of([to_struct(r, ListingRead) for r in rows], total, page)


async def _listed_cases(meeting_id: int) -> int:
    return await Listing.count().where(
        (Listing.meeting == meeting_id)
        & Listing.kind.is_in(list(CASE_KINDS))
        & Listing.outcome.is_in(list(ACTIVE_OUTCOMES))
    )


async def _already_listed(meeting_id: int, case_id: int | None, subject_id: int | None) -> bool:
    column, value = (Listing.case, case_id) if case_id else (Listing.subject, subject_id)
    return await Listing.exists().where(
        (Listing.meeting == meeting_id)
        & (column == value)
        & (Listing.outcome != ListingOutcome.WITHDRAWN.value)
    )


async def _kind_for(meeting: dict[str, Any], data: ListingCreate) -> ListingKind:
    """Check the listed record belongs to the meeting's panel and say which section it is in."""
    if (data.case_id is None) == (data.subject_id is None):
        raise Invalid("give exactly one of case_id or subject_id", field="case_id")
    if data.subject_id is not None:
        subject = await fetch_row(PerpetratorSubject, data.subject_id, "perpetrator subject")
        if subject["panel"] != meeting["panel"]:
            raise Invalid("the subject belongs to another panel", field="subject_id")
        return ListingKind.PERPETRATOR
    assert data.case_id is not None
    case = (
        await Case.select(Case.panel, Case.is_repeat, Case.status)
        .where(Case.id == data.case_id)
        .first()
    )
    if case is None:
        raise NotFound(f"case {data.case_id} not found", field="case_id")
    if case["panel"] != meeting["panel"]:
        raise Invalid("the case was referred to another panel", field="case_id")
    if case["status"] != CaseStatus.OPEN.value:
        raise Invalid(f"the case is {case['status']}", field="case_id")
    if data.lapse_review:
        return ListingKind.LAPSE_REVIEW
    return ListingKind.REPEAT if case["is_repeat"] else ListingKind.NEW


async def add_listing(actor: Actor, meeting_id: int, data: ListingCreate) -> ListingRead:
    """List a case (or perpetrator subject) on a meeting that has room for it."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    async with db.transaction():
        await db.lock_row(Meeting, meeting_id)
        meeting = await fetch_row(Meeting, meeting_id, "meeting")
        if MeetingStatus(meeting["status"]) not in OPEN_FOR_LISTING:
            raise Conflict(f"the meeting is {meeting['status']}: its agenda is closed")
        kind = await _kind_for(meeting, data)
        if await _already_listed(meeting_id, data.case_id, data.subject_id):
            raise Conflict(
                "already listed on this meeting", field="case_id" if data.case_id else "subject_id"
            )
        capacity = (await get_panel_row(meeting["panel"]))["max_cases_per_meeting"]
        if await _listed_cases(meeting_id) >= capacity:
            raise Conflict(
                f"the meeting is full ({capacity} cases); list the case on a later meeting",
                capacity=capacity,
            )
        listing = Listing(
            meeting=meeting_id, case=data.case_id, subject=data.subject_id, kind=kind.value
        )
        await listing.save()
        await record_event(
            actor, "listed", "listing", listing.id, {"meeting_id": meeting_id, "kind": kind.value}
        )
        await flows.listing_changed(meeting_id, data.case_id, data.subject_id)
    return await get_listing(actor, listing.id)


async def list_on_next_meeting(
    actor: Actor, case_id: int, lapse_review: bool = False, today: date | None = None
) -> ListingRead:
    """List a case on the next meeting of its panel that has room and is far enough away
    for agencies to research it (the panel's research lead time in working days)."""
    await access.check(actor, access.Record.CASE, case_id, access.Right.MANAGE)
    case = await Case.select(Case.panel).where(Case.id == case_id).first()
    if case is None:
        raise NotFound(f"case {case_id} not found")
    panel = await get_panel_row(case["panel"])
    settings = settings_of(panel)
    earliest_day = add_working_days(
        today or date.today(), settings.research_working_days, Nation(settings.nation)
    )
    earliest = datetime.combine(earliest_day, time.min, tzinfo=ZoneInfo(panel["timezone"]))
    candidates = (
        await Meeting.select(Meeting.id)
        .where(
            (Meeting.panel == panel["id"])
            & Meeting.status.is_in([s.value for s in OPEN_FOR_LISTING])
            & (Meeting.starts_at >= earliest.astimezone(UTC))
        )
        .order_by(Meeting.starts_at)
    )
    for candidate in candidates:
        try:
            return await add_listing(
                actor, candidate["id"], ListingCreate(case_id=case_id, lapse_review=lapse_review)
            )
        except Conflict as exc:
            if exc.context.get("capacity") is None:
                raise
    raise Conflict(
        f"no meeting on or after {earliest_day.isoformat()} has room: schedule more meetings"
    )


async def set_listing_outcome(
    actor: Actor, listing_id: int, data: ListingOutcomeUpdate
) -> ListingRead:
    """Record that a listing was heard, deferred (with the reason) or withdrawn."""
    await access.check(actor, access.Record.LISTING, listing_id, access.Right.MANAGE)
    if data.outcome == ListingOutcome.DEFERRED and not data.deferral_reason.strip():
        raise Invalid("say why the case was deferred", field="deferral_reason")
    if data.outcome == ListingOutcome.LISTED:
        raise Invalid("an outcome is heard, deferred or withdrawn", field="outcome")
    async with db.transaction():
        listing = await fetch_row(Listing, listing_id, "listing")
        meeting = await fetch_row(Meeting, listing["meeting"], "meeting")
        status = MeetingStatus(meeting["status"])
        if data.outcome == ListingOutcome.HEARD and status not in SITTING_STATUSES:
            raise Conflict("a case is heard only once the meeting is in session")
        if status not in (*OPEN_FOR_LISTING, *SITTING_STATUSES):
            raise Conflict(f"the meeting is {status.value}: its listings are final")
        await Listing.update(
            {Listing.outcome: data.outcome.value, Listing.deferral_reason: data.deferral_reason}
        ).where(Listing.id == listing_id)
        await record_event(actor, data.outcome.value, "listing", listing_id)
        if data.outcome is not ListingOutcome.HEARD:
            await flows.listing_changed(meeting["id"], listing["case"], listing["subject"])
    return await get_listing(actor, listing_id)


async def next_meeting_of_panel(meeting: dict[str, Any]) -> dict[str, Any] | None:
    return (
        await Meeting.select()
        .where(
            (Meeting.panel == meeting["panel"])
            & (Meeting.starts_at > meeting["starts_at"])
            & Meeting.status.is_in([s.value for s in OPEN_FOR_LISTING])
        )
        .order_by(Meeting.starts_at)
        .first()
    )


async def roll_forward_actions(actor: Actor, meeting_id: int) -> list[ListingRead]:
    """List every case or subject of this meeting that still has open actions for review
    at the next meeting of the same panel. Cases already on that agenda are reviewed there
    anyway; running it twice lists nothing new. Reviews do not count towards capacity."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    async with db.transaction():
        created = await roll_forward(actor, meeting_id)
    if not created:
        return []
    rows = await Listing.select(*_LISTING_COLUMNS).where(Listing.id.is_in(created))
    return [to_struct(r, ListingRead) for r in rows]


async def roll_forward(actor: Actor, meeting_id: int) -> list[int]:
    """``roll_forward_actions`` inside the caller's transaction; the new listings' ids."""
    meeting = await fetch_row(Meeting, meeting_id, "meeting")
    target = await next_meeting_of_panel(meeting)
    if target is None:
        return []
    listed_here = await Listing.select(Listing.case, Listing.subject).where(
        (Listing.meeting == meeting_id) & (Listing.outcome != ListingOutcome.WITHDRAWN.value)
    )
    case_ids = {r["case"] for r in listed_here if r["case"]}
    subject_ids = {r["subject"] for r in listed_here if r["subject"]}
    owners = [
        column.is_in(sorted(ids))
        for column, ids in ((Action.case, case_ids), (Action.subject, subject_ids))
        if ids
    ]
    if not owners:
        return []
    owned = owners[0] if len(owners) == 1 else owners[0] | owners[1]
    open_actions = await Action.select(Action.case, Action.subject).where(
        (Action.status == ActionStatus.OPEN.value) & owned
    )
    on_target = await Listing.select(Listing.case, Listing.subject).where(
        (Listing.meeting == target["id"]) & (Listing.outcome != ListingOutcome.WITHDRAWN.value)
    )
    taken = {("case", r["case"]) for r in on_target if r["case"]} | {
        ("subject", r["subject"]) for r in on_target if r["subject"]
    }
    wanted = sorted(
        {("case", a["case"]) for a in open_actions if a["case"]}
        | {("subject", a["subject"]) for a in open_actions if a["subject"]}
    )
    created = []
    for what, record_id in wanted:
        if (what, record_id) in taken:
            continue
        listing = Listing(
            meeting=target["id"],
            case=record_id if what == "case" else None,
            subject=record_id if what == "subject" else None,
            kind=ListingKind.ACTIONS_REVIEW.value,
        )
        await listing.save()
        created.append(listing.id)
    if created:
        await record_event(
            actor,
            "rolled_forward",
            "meeting",
            meeting_id,
            {"to_meeting_id": target["id"], "listings": created},
        )
    return created
