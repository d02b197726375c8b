"""A meeting's lifecycle: scheduled → agenda published → in session → minutes drafted →
minutes approved → minutes circulated, or cancelled. Each step is a verb here."""

from __future__ import annotations

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict
from panel_service.meetings.listings import roll_forward
from panel_service.meetings.schemas import MeetingCancel, MeetingRead
from panel_service.meetings.services import TRANSITIONS, get_meeting
from panel_service.meetings.tables import Listing, ListingOutcome, Meeting, MeetingStatus
from panel_service.meetings.victim_voice import listings_missing_voice
from panel_service.messaging import flows
from panel_service.minutes.versions import latest_version, store_approved_version
from panel_service.records import fetch_row

APPROVED = (MeetingStatus.MINUTES_APPROVED, MeetingStatus.MINUTES_CIRCULATED)


async def _move(
    actor: Actor, meeting_id: int, to: MeetingStatus, detail: dict[str, object] | None = None
) -> None:
    """Move the meeting to ``to`` if the lifecycle allows it; call inside a transaction."""
    meeting = await fetch_row(Meeting, meeting_id, "meeting")
    current = MeetingStatus(meeting["status"])
    if to not in TRANSITIONS[current]:
        raise Conflict(f"a meeting that is {current.value} cannot become {to.value}")
    await Meeting.update({Meeting.status: to.value}).where(Meeting.id == meeting_id)
    await record_event(actor, to.value, "meeting", meeting_id, detail)


async def _refuse_missing_voices(meeting_id: int, doing: str) -> None:
    missing = await listings_missing_voice(meeting_id)
    if missing:
        references = ", ".join(row["case_reference"] for row in missing)
        raise Conflict(
            f"cannot {doing}: {len(missing)} listed case(s) have neither a victim's voice "
            f"nor a recorded reason it could not be obtained ({references})",
            blocking_listings=missing,
        )


async def publish_agenda(actor: Actor, meeting_id: int) -> MeetingRead:
    """Publish the agenda; refused while any listed case lacks the victim's voice."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    async with db.transaction():
        await _refuse_missing_voices(meeting_id, "publish the agenda")
        await _move(actor, meeting_id, MeetingStatus.AGENDA_PUBLISHED)
        await flows.agenda_published(meeting_id)
    return await get_meeting(actor, meeting_id)


async def start_meeting(actor: Actor, meeting_id: int) -> MeetingRead:
    """Open the sitting. Cases listed after publication are checked again: no case reaches
    the panel without the victim's voice or the reason it could not be had."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    async with db.transaction():
        await _refuse_missing_voices(meeting_id, "start the meeting")
        await _move(actor, meeting_id, MeetingStatus.IN_SESSION)
    return await get_meeting(actor, meeting_id)


async def close_meeting(actor: Actor, meeting_id: int) -> MeetingRead:
    """End the sitting (minutes now being drafted) and roll incomplete actions forward to
    the next meeting of the panel."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    async with db.transaction():
        await _move(actor, meeting_id, MeetingStatus.MINUTES_DRAFTED)
        await roll_forward(actor, meeting_id)
        await flows.actions_agreed(meeting_id)
    return await get_meeting(actor, meeting_id)


async def approve_minutes(actor: Actor, meeting_id: int) -> MeetingRead:
    """Approve the minutes as they stand: the next version is stored, locked, with the full
    minutes. Minutes already approved (or circulated) are approved again only when they
    have changed since the latest version (409 otherwise); they are then circulated again."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    async with db.transaction():
        await db.lock_row(Meeting, meeting_id)
        meeting = await fetch_row(Meeting, meeting_id, "meeting")
        again = MeetingStatus(meeting["status"]) in APPROVED
        await _move(actor, meeting_id, MeetingStatus.MINUTES_APPROVED)
        await store_approved_version(actor, meeting_id, again)
    return await get_meeting(actor, meeting_id)


async def circulate_minutes(actor: Actor, meeting_id: int) -> MeetingRead:
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    async with db.transaction():
        await _move(actor, meeting_id, MeetingStatus.MINUTES_CIRCULATED)
        latest = await latest_version(meeting_id)
        await flows.minutes_circulated(meeting_id, latest["number"] if latest else None)
    return await get_meeting(actor, meeting_id)


async def cancel_meeting(actor: Actor, meeting_id: int, data: MeetingCancel) -> MeetingRead:
    """Cancel a sitting that has no cases still listed on it (move or withdraw them first)."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    async with db.transaction():
        await _move(actor, meeting_id, MeetingStatus.CANCELLED, {"reason": data.reason})
        listed = await Listing.count().where(
            (Listing.meeting == meeting_id) & (Listing.outcome == ListingOutcome.LISTED.value)
        )
        if listed:
            raise Conflict(
                f"{listed} case(s) are still listed: list them on another meeting or "
                "withdraw them before cancelling"
            )
        await Meeting.update({Meeting.cancelled_reason: data.reason}).where(
            Meeting.id == meeting_id
        )
        await flows.meeting_cancelled(meeting_id)
    return await get_meeting(actor, meeting_id)
