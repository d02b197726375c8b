"""What each change sends, queued in the change's own transaction (the dispatcher builds
and sends it afterwards). Call these inside the verb's ``db.transaction()``.

Every email is for one recipient and carries what that recipient's agency may see: its
agency's extract of the agenda or minutes, its own actions (``compose`` builds them).
"""

from __future__ import annotations

from typing import Any

from panel_service.actions.tables import Action, ActionStatus
from panel_service.documents.extracts import parties_of
from panel_service.meetings.tables import Attendance, Listing, Meeting, MeetingStatus
from panel_service.messaging.outbox import (
    AGENDA_KINDS,
    Outgoing,
    Recipient,
    email_to,
    enqueue,
    slack_message,
)
from panel_service.messaging.recipients import agency_people, users
from panel_service.messaging.tables import MeetingInvitee, OutboxMessage, OutboxStatus


async def _meeting(meeting_id: int) -> dict[str, Any]:
    row = (
        await Meeting.select(Meeting.id, Meeting.panel, Meeting.calendar_sequence)
        .where(Meeting.id == meeting_id)
        .first()
    )
    assert row is not None
    return row


async def _invited_agencies(meeting_id: int) -> list[int]:
    rows = await Attendance.select(Attendance.agency).where(
        (Attendance.meeting == meeting_id) & Attendance.agency.is_not_null()
    )
    return sorted({row["agency"] for row in rows})


async def agenda_published(meeting_id: int) -> int:
    """Each invited agency's representative and deputies get its agenda extract and a
    calendar invite; they become the meeting's invitees. The team's channel is told."""
    meeting = await _meeting(meeting_id)
    people = await agency_people(await _invited_agencies(meeting_id))
    recipients = [person for group in people.values() for person in group]
    context = {"panel_id": meeting["panel"], "meeting_id": meeting_id}
    await _add_invitees(meeting_id, recipients)
    return await enqueue(
        [
            *(email_to("agenda_published", person, **context) for person in recipients),
            slack_message("agenda_published", **context),
        ]
    )


async def _add_invitees(meeting_id: int, recipients: list[Recipient]) -> None:
    known = {
        row["email"]
        for row in await MeetingInvitee.select(MeetingInvitee.email).where(
            MeetingInvitee.meeting == meeting_id
        )
    }
    new = {person.email: person for person in recipients if person.email not in known}
    if new:
        await MeetingInvitee.insert(
            *[
                MeetingInvitee(
                    meeting=meeting_id, email=p.email, user=p.user_id, agency=p.agency_id
                )
                for p in new.values()
            ]
        )


async def _tell_invitees(meeting_id: int, kind: str) -> int:
    """Raise the calendar SEQUENCE and send everyone who had the invite ``kind``."""
    invitees = await MeetingInvitee.select().where(MeetingInvitee.meeting == meeting_id)
    if not invitees:
        return 0
    meeting = await _meeting(meeting_id)
    sequence = meeting["calendar_sequence"] + 1
    await Meeting.update({Meeting.calendar_sequence: sequence}).where(Meeting.id == meeting_id)
    context = {"panel_id": meeting["panel"], "meeting_id": meeting_id}
    return await enqueue(
        [
            email_to(
                kind,
                Recipient(row["email"], row["user"], row["agency"]),
                parameters={"sequence": sequence},
                **context,
            )
            for row in invitees
        ]
    )


async def meeting_rescheduled(meeting_id: int) -> int:
    """An updated invite (same UID, SEQUENCE + 1) to everyone who had the invite."""
    return await _tell_invitees(meeting_id, "meeting_updated")


async def meeting_cancelled(meeting_id: int) -> int:
    """A cancellation (METHOD:CANCEL) to everyone who had the invite."""
    return await _tell_invitees(meeting_id, "meeting_cancelled")


async def listing_changed(meeting_id: int, case_id: int | None, subject_id: int | None) -> int:
    """After publication, the agencies party to a case added to or taken off the agenda get
    their extract again. A re-issue still waiting to be sent already carries the change (it
    is built when sent), so none is queued twice."""
    status = await Meeting.select(Meeting.status).where(Meeting.id == meeting_id).first()
    if status is None or status["status"] != MeetingStatus.AGENDA_PUBLISHED.value:
        return 0
    party = await parties_of(
        await _invited_agencies(meeting_id),
        [case_id] if case_id else [],
        [subject_id] if subject_id else [],
    )
    affected = [agency for agency, of in party.items() if of.cases or of.subjects]
    waiting = {
        row["recipient"]
        for row in await OutboxMessage.select(OutboxMessage.recipient).where(
            (OutboxMessage.meeting == meeting_id)
            & OutboxMessage.kind.is_in(sorted(AGENDA_KINDS))
            & (OutboxMessage.status == OutboxStatus.QUEUED.value)
        )
    }
    meeting = await _meeting(meeting_id)
    context = {"panel_id": meeting["panel"], "meeting_id": meeting_id}
    people = await agency_people(affected)
    return await enqueue(
        [
            email_to("agenda_reissued", person, **context)
            for group in people.values()
            for person in group
            if person.email not in waiting
        ]
    )


async def minutes_circulated(meeting_id: int, version: int | None) -> int:
    """Each invited agency gets its extract of the approved minutes and its actions list."""
    meeting = await _meeting(meeting_id)
    people = await agency_people(await _invited_agencies(meeting_id))
    context = {"panel_id": meeting["panel"], "meeting_id": meeting_id}
    parameters = {"version": version}
    return await enqueue(
        [
            *(
                email_to("minutes_circulated", person, parameters=parameters, **context)
                for group in people.values()
                for person in group
            ),
            slack_message("minutes_circulated", parameters=parameters, **context),
        ]
    )


async def actions_agreed(meeting_id: int) -> int:
    """After the meeting, each owning agency (and a named owner) gets its new actions, each
    with a one-click link to report it done."""
    listings = Listing.select(Listing.id).where(Listing.meeting == meeting_id)
    rows = await Action.select(Action.id, Action.agency, Action.owner, Action.panel).where(
        Action.listing.is_in(listings) & (Action.status == ActionStatus.OPEN.value)
    )
    return await enqueue(await action_emails("actions_agreed", rows, meeting_id=meeting_id))


async def action_emails(
    kind: str, actions: list[dict[str, Any]], meeting_id: int | None = None
) -> list[Outgoing | None]:
    """One email per person and panel for ``actions`` (rows with id, agency, owner, panel):
    each agency's representatives and deputies get their agency's, a named owner their own
    too. Two statements, whatever the number of panels and agencies."""
    people = await agency_people(sorted({row["agency"] for row in actions}))
    owners = await users(sorted({r["owner"] for r in actions if r["owner"] is not None}))
    by_person: dict[tuple[int, str], tuple[Recipient, list[int]]] = {}
    for row in actions:
        owner = owners.get(row["owner"]) if row["owner"] is not None else None
        for person in [*people.get(row["agency"], []), *([owner] if owner else [])]:
            _, ids = by_person.setdefault((row["panel"], person.email), (person, []))
            if row["id"] not in ids:
                ids.append(row["id"])
    return [
        email_to(
            kind, person, panel_id=panel_id, meeting_id=meeting_id, parameters={"actions": ids}
        )
        for (panel_id, _), (person, ids) in by_person.items()
    ]
