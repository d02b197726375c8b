"""A panel's calendar subscription feed: an .ics address with a secret in it, for the
calendars of the people who attend. Meetings only: time, place, link — no case details."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import anyio.to_thread

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.accounts.credentials import digest
from panel_service.adapters.calendar import feed_ics
from panel_service.audit.trail import record_event
from panel_service.errors import NotFound
from panel_service.meetings.tables import Meeting, MeetingStatus
from panel_service.messaging.compose import FACT_COLUMNS, meeting_event, meeting_facts
from panel_service.messaging.schemas import CalendarFeedCreated
from panel_service.messaging.tables import CalendarFeed
from panel_service.panels.tables import Panel
from panel_service.settings import get_settings

FEED_PATH = "/calendar/"
FEED_HISTORY = timedelta(days=90)


async def create_feed(actor: Actor, panel_id: int) -> CalendarFeedCreated:
    """A new secret address for the panel's feed; the previous one stops working."""
    await access.check(actor, access.Record.PANEL, panel_id, access.Right.MANAGE)
    token = secrets.token_urlsafe(32)
    async with db.transaction():
        await CalendarFeed.delete().where(CalendarFeed.panel == panel_id)
        await CalendarFeed(
            panel=panel_id, token_hash=digest(token), created_by=actor.user_id
        ).save()
        await record_event(actor, "calendar_feed_created", "panel", panel_id)
    url = f"{get_settings().messaging.public_url}{FEED_PATH}{token}.ics"
    return CalendarFeedCreated(panel_id=panel_id, url=url)


async def read_feed(token: str, now: datetime | None = None) -> bytes:
    """The feed's calendar: the panel's meetings from three months back, cancelled ones
    marked so."""
    now = now or datetime.now(UTC)
    feed = (
        await CalendarFeed.select(CalendarFeed.panel)
        .where(CalendarFeed.token_hash == digest(token))
        .first()
    )
    if feed is None:
        raise NotFound("no such calendar feed")
    panel = await Panel.select(Panel.name).where(Panel.id == feed["panel"]).first()
    assert panel is not None
    rows = (
        await Meeting.select(*FACT_COLUMNS, Meeting.status)
        .where((Meeting.panel == feed["panel"]) & (Meeting.starts_at >= now - FEED_HISTORY))
        .order_by(Meeting.starts_at)
    )
    settings = get_settings().messaging
    events = [
        meeting_event(
            meeting_facts(row),
            settings,
            now,
            cancelled=row["status"] == MeetingStatus.CANCELLED.value,
        )
        for row in rows
    ]
    # Serialising a calendar is CPU work (about 1 ms a meeting): off the event loop, like
    # the invites.
    return await anyio.to_thread.run_sync(feed_ics, f"{panel['name']} meetings", events)
