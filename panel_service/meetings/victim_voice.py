"""The victim's voice: recorded by the IDVA for each listing before the panel hears it."""

from __future__ import annotations

from typing import Any, cast

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict, Invalid, NotFound
from panel_service.meetings.schemas import VictimVoiceRead, VictimVoiceSubmit
from panel_service.meetings.tables import (
    Listing,
    ListingKind,
    ListingOutcome,
    Meeting,
    MeetingStatus,
    VictimVoice,
    VoiceNotObtainedReason,
)
from panel_service.records import fetch_row

_VOICE_FIELDS = ("views", "wishes", "fears", "safety_concerns")


def _check(data: VictimVoiceSubmit) -> None:
    has_views = any(getattr(data, f).strip() for f in _VOICE_FIELDS)
    if data.not_obtained_reason is None:
        if not has_views:
            raise Invalid(
                "record the victim's views, wishes, fears or safety concerns, "
                "or the reason they could not be obtained",
                field="views",
            )
        if data.contact_date is None:
            raise Invalid("say when the victim was contacted", field="contact_date")
        if not data.contact_means.strip():
            raise Invalid("say how the victim was contacted", field="contact_means")
        return
    if has_views:
        raise Invalid(
            "views were recorded, so the voice was obtained: remove not_obtained_reason",
            field="not_obtained_reason",
        )
    if (
        data.not_obtained_reason == VoiceNotObtainedReason.NO_SAFE_CONTACT
        and data.contact_attempts < 1
    ):
        raise Invalid("say how many safe contact attempts were made", field="contact_attempts")


def _read(row: dict[str, Any]) -> VictimVoiceRead:
    return VictimVoiceRead(
        listing_id=row["listing"],
        obtained=row["not_obtained_reason"] is None,
        views=row["views"],
        wishes=row["wishes"],
        fears=row["fears"],
        safety_concerns=row["safety_concerns"],
        contact_date=row["contact_date"],
        contact_means=row["contact_means"],
        not_obtained_reason=row["not_obtained_reason"],
        contact_attempts=row["contact_attempts"],
        submitted_by_id=row["submitted_by"],
        submitted_at=row["submitted_at"],
    )


async def record_victim_voice(
    actor: Actor, listing_id: int, data: VictimVoiceSubmit
) -> VictimVoiceRead:
    """Record (or replace, until the meeting sits) the victim's voice for a listing."""
    await access.check(actor, access.Record.LISTING, listing_id, access.Right.EDIT_RESTRICTED)
    _check(data)
    async with db.transaction():
        listing = await fetch_row(Listing, listing_id, "listing")
        if listing["case"] is None:
            raise Invalid("a victim's voice is recorded on a case listing", field="listing_id")
        meeting = await fetch_row(Meeting, listing["meeting"], "meeting")
        if MeetingStatus(meeting["status"]) not in (
            MeetingStatus.SCHEDULED,
            MeetingStatus.AGENDA_PUBLISHED,
            MeetingStatus.IN_SESSION,
        ):
            raise Conflict(f"the meeting is {meeting['status']}")
        values: dict[str, Any] = {
            "views": data.views,
            "wishes": data.wishes,
            "fears": data.fears,
            "safety_concerns": data.safety_concerns,
            "contact_date": data.contact_date,
            "contact_means": data.contact_means,
            "not_obtained_reason": data.not_obtained_reason.value
            if data.not_obtained_reason
            else None,
            "contact_attempts": data.contact_attempts,
            "submitted_by": actor.user_id,
        }
        existing = (
            await VictimVoice.select(VictimVoice.id)
            .where(VictimVoice.listing == listing_id)
            .first()
        )
        if existing:
            await VictimVoice.update(cast(dict[Any, Any], values)).where(
                VictimVoice.id == existing["id"]
            )
            voice_id = existing["id"]
        else:
            voice = VictimVoice(listing=listing_id, **values)
            await voice.save()
            voice_id = voice.id
        await record_event(
            actor,
            "updated" if existing else "created",
            "victim_voice",
            voice_id,
            {"listing_id": listing_id, "obtained": data.not_obtained_reason is None},
        )
    return await get_victim_voice(actor, listing_id, audit=False)


async def get_victim_voice(actor: Actor, listing_id: int, audit: bool = True) -> VictimVoiceRead:
    """The victim's voice for a listing; reading it is logged (it is case detail)."""
    await access.check(actor, access.Record.LISTING, listing_id, access.Right.VIEW_RESTRICTED)
    row = await VictimVoice.select().where(VictimVoice.listing == listing_id).first()
    if row is None:
        raise NotFound(f"no victim's voice has been recorded for listing {listing_id}")
    if audit:
        # Against the voice and against its case, so that the case's access log shows it.
        case = await Listing.select(Listing.case).where(Listing.id == listing_id).first()
        async with db.transaction():
            await record_event(actor, "viewed", "victim_voice", row["id"])
            if case and case["case"]:
                detail = {"listing_id": listing_id}
                await record_event(actor, "viewed_victim_voice", "case", case["case"], detail)
    return _read(row)


async def listings_missing_voice(meeting_id: int) -> list[dict[str, Any]]:
    """Cases to be heard that have neither a victim's voice nor a recorded reason, with
    each case's assigned IDVA.

    A review of incomplete actions is a check on what agencies did, not a hearing of the
    case, so it needs no fresh contact with the victim (and an IDVA should not make
    unneeded contact); every new, repeat and lapse-review hearing does."""
    return await db.fetch(
        "SELECT l.id AS listing_id, c.id AS case_id, c.reference AS case_reference,"
        " c.assigned_idva AS idva_id"
        ' FROM listing l JOIN marac_case c ON c.id = l."case"'
        " LEFT JOIN victim_voice v ON v.listing = l.id"
        " WHERE l.meeting = {} AND l.outcome = {} AND l.kind <> {} AND v.id IS NULL"
        " ORDER BY l.id",
        meeting_id,
        ListingOutcome.LISTED.value,
        ListingKind.ACTIONS_REVIEW.value,
    )
