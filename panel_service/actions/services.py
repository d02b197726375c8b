"""Verbs on actions: agreeing them at the panel, editing them while open, and the owning
agency's reports of their outcome (domain.md §2.4). Every change writes an audit event."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.accounts.tables import User
from panel_service.actions.queries import read_action
from panel_service.actions.schemas import (
    DESCRIPTION_MIN_LENGTH,
    SUB_AREAS,
    ActionCreate,
    ActionDetail,
    ActionStatusUpdate,
    ActionSubArea,
    ActionUpdate,
)
from panel_service.actions.tables import Action, ActionCategory, ActionStatus, ActionStatusChange
from panel_service.agencies.tables import Agency
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict, Invalid, NotFound
from panel_service.meetings.listings import SITTING_STATUSES
from panel_service.meetings.tables import Listing, ListingOutcome, Meeting, MeetingStatus
from panel_service.panels.tables import PanelKind
from panel_service.records import fetch_row, set_fields

# The outcomes an agency reports; each closes the action.
CLOSED = frozenset(ActionStatus) - {ActionStatus.OPEN}
# Reopening and both "not completed" outcomes must say why: steering groups escalate
# "not done" and need to tell it apart from "circumstances changed".
NEEDS_NOTE = frozenset(
    {
        ActionStatus.OPEN,
        ActionStatus.NOT_COMPLETED_CIRCUMSTANCES_CHANGED,
        ActionStatus.NOT_COMPLETED_NOT_DONE,
    }
)
# A deferred or withdrawn case was not heard, so nothing can have been agreed about it.
HEARABLE_OUTCOMES = (ListingOutcome.LISTED.value, ListingOutcome.HEARD.value)


def check_description(description: str) -> str:
    """The description without surrounding space, refused unless it says enough to act on."""
    text = description.strip()
    if len(text) < DESCRIPTION_MIN_LENGTH:
        raise Invalid(
            f"say specifically what is to be done (at least {DESCRIPTION_MIN_LENGTH} characters)",
            field="description",
        )
    return text


def check_activity(
    panel_kind: PanelKind, category: ActionCategory | None, sub_area: ActionSubArea | None
) -> None:
    """A perpetrator-panel action names its activity category and one of that category's
    sub-areas (domain.md §3); a MARAC action has neither."""
    if panel_kind == PanelKind.MARAC:
        if category is not None:
            raise Invalid("a MARAC action has no activity category", field="category")
        if sub_area is not None:
            raise Invalid("a MARAC action has no activity sub-area", field="sub_area")
        return
    if category is None:
        raise Invalid(
            "a perpetrator-panel action needs its category: "
            + ", ".join(c.value for c in ActionCategory),
            field="category",
        )
    if sub_area not in SUB_AREAS[category]:
        raise Invalid(
            f"a {category.value} action needs one of its sub-areas: "
            + ", ".join(sorted(SUB_AREAS[category])),
            field="sub_area",
        )


def check_due_date(due_date: date, meeting_day: date) -> None:
    if due_date < meeting_day:
        raise Invalid(
            f"an action cannot fall due before the meeting that agreed it ({meeting_day})",
            field="due_date",
        )


def check_status_change(current: ActionStatus, to: ActionStatus, note: str) -> None:
    """Refuse a report that changes nothing, and an unexplained reopening or non-completion."""
    if to == current:
        raise Conflict(f"the action is already {current.value}", field="status")
    if to in NEEDS_NOTE and not note.strip():
        why = "why it is reopened" if to == ActionStatus.OPEN else "why it was not completed"
        raise Invalid(f"add a note saying {why}", field="note")


def meeting_day(starts_at: datetime, timezone: str) -> date:
    """The calendar day the meeting sits, where the panel sits."""
    return msgspec.convert(starts_at, datetime).astimezone(ZoneInfo(timezone)).date()


async def _sitting(listing_id: int) -> dict[str, Any]:
    """The listing with its meeting's day and panel kind, refused unless the panel is
    sitting (or drafting the minutes of the sitting) and the case is being heard."""
    listing = await fetch_row(Listing, listing_id, "listing")
    await db.lock_row(Meeting, listing["meeting"])
    meeting = (
        await Meeting.select(
            Meeting.status,
            Meeting.starts_at,
            Meeting.panel.as_alias("panel_id"),
            Meeting.panel.kind.as_alias("panel_kind"),
            Meeting.panel.timezone.as_alias("timezone"),
        )
        .where(Meeting.id == listing["meeting"])
        .first()
    )
    assert meeting is not None
    if MeetingStatus(meeting["status"]) not in SITTING_STATUSES:
        raise Conflict(
            f"the meeting is {meeting['status']}: actions are agreed while it is in session "
            "or its minutes are being drafted"
        )
    if listing["outcome"] not in HEARABLE_OUTCOMES:
        raise Conflict(f"the case was {listing['outcome']} at this meeting: it was not heard")
    return {
        **listing,
        "panel_id": meeting["panel_id"],
        "panel_kind": PanelKind(meeting["panel_kind"]),
        "meeting_day": meeting_day(meeting["starts_at"], meeting["timezone"]),
    }


async def _check_agency(agency_id: int) -> None:
    agency = await Agency.select(Agency.active).where(Agency.id == agency_id).first()
    if agency is None:
        raise NotFound(f"agency {agency_id} does not exist", field="agency_id")
    if not agency["active"]:
        raise Invalid("the agency is no longer active", field="agency_id")


async def _owner_name(owner_id: int | None, agency_id: int, given: str) -> str:
    """The name to show for the owner: as given, else the named user's. A named user must
    be an active member of the agency that owns the action."""
    if owner_id is None:
        return given.strip()
    user = (
        await User.select(User.full_name, User.agency, User.active)
        .where(User.id == owner_id)
        .first()
    )
    if user is None or not user["active"] or user["agency"] != agency_id:
        raise Invalid(
            "the owner must be an active member of the agency that owns the action",
            field="owner_id",
        )
    return given.strip() or user["full_name"]


async def agree_action(
    actor: Actor, listing_id: int, data: ActionCreate, today: date | None = None
) -> ActionDetail:
    """Record an action the panel agreed for a listed case or perpetrator subject; it opens
    with the first entry of its status history."""
    await access.check(actor, access.Record.LISTING, listing_id, access.Right.MANAGE)
    description = check_description(data.description)
    async with db.transaction():
        listing = await _sitting(listing_id)
        check_activity(listing["panel_kind"], data.category, data.sub_area)
        check_due_date(data.due_date, listing["meeting_day"])
        await _check_agency(data.agency_id)
        owner_name = await _owner_name(data.owner_id, data.agency_id, data.owner_name)
        action = Action(
            listing=listing_id,
            case=listing["case"],
            subject=listing["subject"],
            panel=listing["panel_id"],
            agency=data.agency_id,
            owner=data.owner_id,
            owner_name=owner_name,
            description=description,
            due_date=data.due_date,
            category=data.category.value if data.category else None,
            sub_area=data.sub_area.value if data.sub_area else None,
            status=ActionStatus.OPEN.value,
        )
        await action.save()
        await ActionStatusChange(
            action=action.id, to_status=ActionStatus.OPEN.value, changed_by=actor.user_id
        ).save()
        await record_event(
            actor,
            "created",
            "action",
            action.id,
            {"listing_id": listing_id, "agency_id": data.agency_id},
        )
    return await read_action(action.id, today or date.today())


async def update_action(
    actor: Actor, action_id: int, data: ActionUpdate, today: date | None = None
) -> ActionDetail:
    """Change an open action's description, due date or owner; a closed one is final until
    it is reopened."""
    await access.check(actor, access.Record.ACTION, action_id, access.Right.MANAGE)
    changes: dict[str, Any] = set_fields(data)
    if "description" in changes:
        changes["description"] = check_description(changes["description"])
    async with db.transaction():
        await db.lock_row(Action, action_id)
        current = (
            await Action.select(
                Action.status,
                Action.description,
                Action.due_date,
                Action.agency,
                Action.owner.as_alias("owner_id"),
                Action.owner_name,
                Action.listing._.meeting._.starts_at.as_alias("starts_at"),
                Action.listing._.meeting._.panel._.timezone.as_alias("timezone"),
            )
            .where(Action.id == action_id)
            .first()
        )
        if current is None:
            raise NotFound(f"action {action_id} not found")
        if current["status"] != ActionStatus.OPEN.value:
            raise Conflict(f"the action is {current['status']}: reopen it to change it")
        if "due_date" in changes:
            check_due_date(
                changes["due_date"], meeting_day(current["starts_at"], current["timezone"])
            )
        if "owner_id" in changes:
            changes["owner_name"] = await _owner_name(
                changes["owner_id"], current["agency"], changes.get("owner_name", "")
            )
        elif "owner_name" in changes:
            changes["owner_name"] = changes["owner_name"].strip()
        changed = {name: value for name, value in changes.items() if current[name] != value}
        if changed:
            await Action.update(
                {
                    Action.owner if name == "owner_id" else getattr(Action, name): value
                    for name, value in changed.items()
                }
            ).where(Action.id == action_id)
            await record_event(actor, "updated", "action", action_id, {"fields": sorted(changed)})
    return await read_action(action_id, today or date.today())


async def set_action_status(
    actor: Actor, action_id: int, data: ActionStatusUpdate, today: date | None = None
) -> ActionDetail:
    """Record the owning agency's outcome (or a reopening) and add it to the history. The
    closed outcomes are dated ``today``; reopening clears the date and the outcome note."""
    await access.check(actor, access.Record.ACTION, action_id, access.Right.REPORT)
    today = today or date.today()
    note = data.note.strip()
    async with db.transaction():
        await db.lock_row(Action, action_id)
        action = await fetch_row(Action, action_id, "action")
        current = ActionStatus(action["status"])
        check_status_change(current, data.status, note)
        closed = data.status in CLOSED
        await Action.update(
            {
                Action.status: data.status.value,
                Action.outcome_note: note if closed else "",
                Action.closed_on: today if closed else None,
            }
        ).where(Action.id == action_id)
        await ActionStatusChange(
            action=action_id,
            from_status=current.value,
            to_status=data.status.value,
            note=note,
            changed_by=actor.user_id,
        ).save()
        await record_event(
            actor,
            data.status.value if closed else "reopened",
            "action",
            action_id,
            {"from": current.value, "to": data.status.value},
        )
    return await read_action(action_id, today)
