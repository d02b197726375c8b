"""Verbs on minutes: what each listing's minutes record (edited by the panel's coordinators
and chairs, one revision at a time), the meeting's minutes as a whole, and their approved
versions. The full minutes are for the chair and coordinators only (security.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.audit.trail import record_event, record_events
from panel_service.errors import Conflict, Invalid, NotFound
from panel_service.meetings.tables import (
    Attendance,
    Listing,
    ListingOutcome,
    Meeting,
    MeetingStatus,
)
from panel_service.minutes.schemas import (
    ListingMinutesRead,
    ListingMinutesWrite,
    MinutesData,
    MinutesVersionRead,
    SharedInformation,
)
from panel_service.minutes.tables import InformationShared, ListingMinutes, MinutesVersion
from panel_service.minutes.versions import current_minutes
from panel_service.records import fetch_row, to_struct

# From the sitting until the minutes are circulated (and after: a correction makes the
# live minutes differ from the approved version, to be approved again).
EDITABLE = (
    MeetingStatus.IN_SESSION,
    MeetingStatus.MINUTES_DRAFTED,
    MeetingStatus.MINUTES_APPROVED,
    MeetingStatus.MINUTES_CIRCULATED,
)
# A deferred or withdrawn listing was not heard: there is nothing to minute about it.
MINUTED_OUTCOMES = (ListingOutcome.LISTED.value, ListingOutcome.HEARD.value)


def _subject_of(listing: dict[str, Any]) -> tuple[str, int]:
    """The case or perpetrator subject a listing is about, as (audit record type, id)."""
    if listing["case"]:
        return access.Record.CASE.value, listing["case"]
    return access.Record.SUBJECT.value, listing["subject"]


async def _read(listing_id: int) -> ListingMinutesRead:
    minutes = (
        await ListingMinutes.select(
            ListingMinutes.risks_identified,
            ListingMinutes.revision,
            ListingMinutes.updated_at,
            ListingMinutes.updated_by.as_alias("updated_by_id"),
        )
        .where(ListingMinutes.listing == listing_id)
        .first()
    )
    shared = (
        await InformationShared.select(
            InformationShared.agency.as_alias("agency_id"),
            InformationShared.agency.name.as_alias("agency_name"),
            InformationShared.text,
        )
        .where(InformationShared.listing == listing_id)
        .order_by(InformationShared.agency.name)
        .order_by(InformationShared.id)
    )
    return ListingMinutesRead(
        listing_id=listing_id,
        risks_identified=minutes["risks_identified"] if minutes else "",
        information_shared=[to_struct(row, SharedInformation) for row in shared],
        revision=minutes["revision"] if minutes else 0,
        updated_at=minutes["updated_at"] if minutes else None,
        updated_by_id=minutes["updated_by_id"] if minutes else None,
    )


async def get_listing_minutes(actor: Actor, listing_id: int) -> ListingMinutesRead:
    """A listing's minutes as they stand, with the revision to send back when saving
    (reading them is audited on the case or subject: they are case detail)."""
    await access.check(actor, access.Record.LISTING, listing_id, access.Right.MANAGE)
    listing = await fetch_row(Listing, listing_id, "listing")
    minutes = await _read(listing_id)
    record_type, record_id = _subject_of(listing)
    async with db.transaction():
        await record_event(
            actor, "viewed_minutes", record_type, record_id, {"listing_id": listing_id}
        )
    return minutes


def _shared_entries(data: ListingMinutesWrite) -> dict[int, str]:
    """What each agency shared, by agency id; an agency given blank text shared nothing."""
    entries: dict[int, str] = {}
    seen: set[int] = set()
    for index, entry in enumerate(data.information_shared):
        if entry.agency_id in seen:
            raise Invalid(
                f"agency {entry.agency_id} is listed twice",
                field=f"information_shared[{index}].agency_id",
            )
        seen.add(entry.agency_id)
        text = entry.text
        if text.strip():
            entries[entry.agency_id] = text
    return entries


async def _check_agencies(meeting_id: int, data: ListingMinutesWrite) -> None:
    """Information is shared by agencies invited to (or attending) the meeting."""
    at_meeting = {
        row["agency"]
        for row in await Attendance.select(Attendance.agency).where(
            (Attendance.meeting == meeting_id) & Attendance.agency.is_not_null()
        )
    }
    for index, entry in enumerate(data.information_shared):
        if entry.agency_id not in at_meeting:
            raise Invalid(
                f"agency {entry.agency_id} was not invited to this meeting",
                field=f"information_shared[{index}].agency_id",
            )


async def _check_listing(listing: dict[str, Any]) -> None:
    meeting = await fetch_row(Meeting, listing["meeting"], "meeting")
    if MeetingStatus(meeting["status"]) not in EDITABLE:
        raise Conflict(
            f"the meeting is {meeting['status']}: minutes are written once it is in session"
        )
    if listing["outcome"] not in MINUTED_OUTCOMES:
        raise Conflict(f"the case was {listing['outcome']} at this meeting: it was not heard")


async def _replace_shared(listing_id: int, entries: dict[int, str]) -> list[int]:
    """Make the listing's information shared ``entries``; the agencies whose entry changed."""
    stored = {
        row["agency"]: row["text"]
        for row in await InformationShared.select(
            InformationShared.agency, InformationShared.text
        ).where(InformationShared.listing == listing_id)
    }
    removed = sorted(set(stored) - set(entries))
    if removed:
        await InformationShared.delete().where(
            (InformationShared.listing == listing_id) & InformationShared.agency.is_in(removed)
        )
    added = [agency for agency in entries if agency not in stored]
    if added:
        await InformationShared.insert(
            *[InformationShared(listing=listing_id, agency=a, text=entries[a]) for a in added]
        )
    changed = [a for a in entries if a in stored and stored[a] != entries[a]]
    for agency in changed:
        await InformationShared.update({InformationShared.text: entries[agency]}).where(
            (InformationShared.listing == listing_id) & (InformationShared.agency == agency)
        )
    return sorted([*removed, *added, *changed])


async def save_listing_minutes(
    actor: Actor, listing_id: int, data: ListingMinutesWrite, now: datetime | None = None
) -> ListingMinutesRead:
    """Save a listing's risks identified and information shared, made from ``revision``:
    if someone saved since (the stored revision differs), 409 naming ``revision`` and
    nothing is written. Each save that changes something raises the revision by one."""
    await access.check(actor, access.Record.LISTING, listing_id, access.Right.MANAGE)
    entries = _shared_entries(data)
    risks = data.risks_identified
    async with db.transaction():
        listing = await fetch_row(Listing, listing_id, "listing")
        # Edits of one meeting's minutes queue behind each other and behind its approval.
        await db.lock_row(Meeting, listing["meeting"])
        await _check_listing(listing)
        await _check_agencies(listing["meeting"], data)
        current = (
            await ListingMinutes.select(
                ListingMinutes.id, ListingMinutes.risks_identified, ListingMinutes.revision
            )
            .where(ListingMinutes.listing == listing_id)
            .first()
        )
        stored = current["revision"] if current else 0
        if data.revision != stored:
            raise Conflict(
                f"someone else saved these minutes since you opened them (revision {stored},"
                f" yours {data.revision}): reload them and make your change again",
                field="revision",
                revision=stored,
            )
        agencies = await _replace_shared(listing_id, entries)
        fields = ["information_shared"] if agencies else []
        if risks != (current["risks_identified"] if current else ""):
            fields.insert(0, "risks_identified")
        if fields:
            values: dict[str, Any] = {
                "risks_identified": risks,
                "revision": stored + 1,
                "updated_at": now or datetime.now(UTC),
                "updated_by": actor.user_id,
            }
            if current:
                minutes_id = current["id"]
                await ListingMinutes.update(cast(dict[Any, Any], values)).where(
                    ListingMinutes.id == minutes_id
                )
            else:
                row = ListingMinutes(listing=listing_id, **values)
                await row.save()
                minutes_id = row.id
            await record_event(
                actor,
                "updated",
                "listing_minutes",
                minutes_id,
                {
                    "listing_id": listing_id,
                    "fields": fields,
                    "agency_ids": agencies,
                    "revision": stored + 1,
                },
            )
    return await _read(listing_id)


async def get_minutes(
    actor: Actor, meeting_id: int, version: int | None = None, now: datetime | None = None
) -> MinutesData:
    """The meeting's minutes: version ``version`` as approved; without one, the latest
    approved version if nothing has changed since, else the live draft (version None).
    Every read is audited on the meeting, and on each case and subject it shows."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    minutes = await current_minutes(meeting_id, version, now)
    if minutes is None:
        raise NotFound(f"meeting {meeting_id} has no minutes version {version}")
    await _audit_read(actor, minutes)
    return minutes


async def _audit_read(actor: Actor, minutes: MinutesData) -> None:
    items = [*minutes.actions_review, *minutes.items]
    seen = {"meeting_id": minutes.meeting.id, "version": minutes.version}
    async with db.transaction():
        await record_event(actor, "viewed_minutes", "meeting", minutes.meeting.id, seen)
        for record_type, ids in (
            (access.Record.CASE.value, sorted({i.case.id for i in items if i.case})),
            (access.Record.SUBJECT.value, sorted({i.subject.id for i in items if i.subject})),
        ):
            await record_events(actor, "viewed_minutes", record_type, ids, seen)


async def list_versions(actor: Actor, meeting_id: int) -> list[MinutesVersionRead]:
    """The approved versions of the meeting's minutes, first first."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    rows = (
        await MinutesVersion.select(
            MinutesVersion.number,
            MinutesVersion.approved_at,
            MinutesVersion.approved_by.as_alias("approved_by_id"),
        )
        .where(MinutesVersion.meeting == meeting_id)
        .order_by(MinutesVersion.number)
    )
    return [to_struct(row, MinutesVersionRead) for row in rows]
