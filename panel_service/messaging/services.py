"""The coordinators' view of the outbox, and retrying a failed message."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict
from panel_service.messaging.outbox import wake_dispatchers
from panel_service.messaging.schemas import OutboxRead
from panel_service.messaging.tables import OutboxMessage, OutboxStatus
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.records import fetch_row

_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.channel,
    OutboxMessage.kind,
    OutboxMessage.status,
    OutboxMessage.recipient,
    OutboxMessage.subject,
    OutboxMessage.message_id,
    OutboxMessage.panel.as_alias("panel_id"),
    OutboxMessage.meeting.as_alias("meeting_id"),
    OutboxMessage.agency.as_alias("agency_id"),
    OutboxMessage.attempts,
    OutboxMessage.last_error,
    OutboxMessage.next_attempt_at,
    OutboxMessage.sent_at,
    OutboxMessage.created_at,
)


def _read(row: dict[str, Any]) -> OutboxRead:
    return OutboxRead(**row)


async def list_outbox(
    actor: Actor,
    page: PageParams,
    status: OutboxStatus | None = None,
    meeting_id: int | None = None,
) -> Page[OutboxRead]:
    """Messages of the panels the caller runs, newest first."""
    rows, total = await fetch_page(
        OutboxMessage.select(*_COLUMNS).order_by(OutboxMessage.id, ascending=False),
        OutboxMessage.count(),
        page,
        await access.visible(actor, access.Record.OUTBOX),
        OutboxMessage.status == status.value if status else None,
        OutboxMessage.meeting == meeting_id if meeting_id else None,
    )
    return Page.of([_read(row) for row in rows], total, page)


async def get_outbox_message(actor: Actor, message_id: int) -> OutboxRead:
    await access.check(actor, access.Record.OUTBOX, message_id)
    row = await OutboxMessage.select(*_COLUMNS).where(OutboxMessage.id == message_id).first()
    assert row is not None
    return _read(row)


async def retry_message(actor: Actor, message_id: int) -> OutboxRead:
    """Queue a failed message again, now, with its attempts counted afresh; it is sent as
    it was built (same content, same Message-ID)."""
    await access.check(actor, access.Record.OUTBOX, message_id, access.Right.MANAGE)
    async with db.transaction():
        await db.lock_row(OutboxMessage, message_id)
        row = await fetch_row(OutboxMessage, message_id, "outbox message")
        if row["status"] != OutboxStatus.FAILED.value:
            raise Conflict(f"only a failed message is retried; this one is {row['status']}")
        await OutboxMessage.update(
            {
                OutboxMessage.status: OutboxStatus.QUEUED.value,
                OutboxMessage.attempts: 0,
                OutboxMessage.taken_over: 0,
                OutboxMessage.handed_at: None,
                OutboxMessage.next_attempt_at: datetime.now(UTC),
            }
        ).where(OutboxMessage.id == message_id)
        await record_event(actor, "retried", access.Record.OUTBOX.value, message_id)
        db.after_commit(wake_dispatchers)
    return await get_outbox_message(actor, message_id)
