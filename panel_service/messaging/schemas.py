"""What the messaging routes take and give."""

from __future__ import annotations

from datetime import datetime

import msgspec

from panel_service.messaging.tables import Channel, OutboxStatus


class OutboxRead(msgspec.Struct):
    """A queued, sent or failed message (never its content)."""

    id: int
    channel: Channel
    kind: str
    status: OutboxStatus
    recipient: str
    subject: str
    message_id: str
    panel_id: int | None
    meeting_id: int | None
    agency_id: int | None
    attempts: int
    last_error: str
    next_attempt_at: datetime
    sent_at: datetime | None
    created_at: datetime


class CalendarFeedCreated(msgspec.Struct):
    """The feed's address: shown once (the service keeps only a hash of its secret)."""

    panel_id: int
    url: str
