"""Writing to the outbox: inside the transaction of the change that causes the message.

A rolled-back change leaves nothing here; a committed one wakes the dispatcher in this
process (others find the message on their next poll).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from panel_service import db
from panel_service.messaging.tables import Channel, OutboxMessage
from panel_service.settings import get_settings

# The kinds of email that carry an agency's agenda extract.
AGENDA_KINDS = frozenset({"agenda_published", "agenda_reissued"})
_wakers: set[asyncio.Event] = set()


def register_waker(event: asyncio.Event) -> None:
    _wakers.add(event)


def unregister_waker(event: asyncio.Event) -> None:
    _wakers.discard(event)


def wake_dispatchers() -> None:
    for event in _wakers:
        event.set()


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person an email goes to: their address, and who they are in the service."""

    email: str
    user_id: int | None = None
    agency_id: int | None = None


@dataclass(slots=True)
class Outgoing:
    """One message to queue."""

    kind: str
    recipient: str
    channel: Channel = Channel.EMAIL
    panel_id: int | None = None
    meeting_id: int | None = None
    agency_id: int | None = None
    user_id: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


def new_message_id() -> str:
    """A stable, unique Message-ID, fixed when the message is queued."""
    domain = get_settings().messaging.mail_from.rpartition("@")[2] or "panel.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


def email_to(kind: str, person: Recipient, **context: Any) -> Outgoing:
    return Outgoing(
        kind=kind,
        recipient=person.email,
        user_id=person.user_id,
        agency_id=person.agency_id,
        **context,
    )


def slack_message(kind: str, **context: Any) -> Outgoing | None:
    """A message to the coordination team's channel; None when Slack is not configured."""
    settings = get_settings().messaging
    if not settings.slack_enabled:
        return None
    return Outgoing(kind=kind, recipient=settings.slack_channel, channel=Channel.SLACK, **context)


async def enqueue(messages: list[Outgoing | None]) -> int:
    """Queue ``messages`` (Nones, i.e. Slack when it is off, are skipped) in the current
    transaction, in one statement; returns how many were queued."""
    if not db.get_engine().transaction_exists():
        raise RuntimeError("messages are queued inside the transaction of their change")
    rows = [
        OutboxMessage(
            channel=m.channel.value,
            kind=m.kind,
            panel=m.panel_id,
            meeting=m.meeting_id,
            agency=m.agency_id,
            recipient=m.recipient,
            recipient_user=m.user_id,
            parameters=m.parameters,
            message_id=new_message_id(),
        )
        for m in messages
        if m is not None
    ]
    if rows:
        await OutboxMessage.insert(*rows)
        db.after_commit(wake_dispatchers)
    return len(rows)
