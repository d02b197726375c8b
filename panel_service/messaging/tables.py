"""The outbox and what messaging remembers: who had a meeting's invite, one-click action
links, reminders already sent, and the panels' calendar feeds."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, Bytea, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from panel_service.accounts.tables import User
from panel_service.actions.tables import Action
from panel_service.agencies.tables import Agency
from panel_service.meetings.tables import Meeting
from panel_service.panels.tables import Panel


class Channel(StrEnum):
    EMAIL = "email"
    SLACK = "slack"


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Table, tablename="outbox_message"):
    """One email to one recipient, or one Slack message, written in the transaction of the
    change that causes it and sent afterwards by a dispatcher.

    ``parameters`` say what to compose (meeting, agency, actions ...): the dispatcher builds
    the message once, stores it in ``content`` and sends those bytes, so a retry sends the
    very same message, Message-ID included.
    """

    id: Serial
    channel = Varchar(length=10, choices=Channel)
    kind = Varchar(length=40)
    panel = ForeignKey(references=Panel, null=True, on_delete=OnDelete.restrict, index=True)
    meeting = ForeignKey(references=Meeting, null=True, on_delete=OnDelete.restrict)
    agency = ForeignKey(references=Agency, null=True, on_delete=OnDelete.restrict)
    recipient = Varchar(length=320)
    recipient_user = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    parameters = JSON(default={})
    message_id = Varchar(length=200, unique=True)
    subject = Varchar(length=300, default="")
    content = Bytea(null=True, default=None)
    # What the composed message discloses (cases, documents, attachments withheld and why):
    # written to the audit trail when the relay accepts it.
    disclosure = JSON(default={})
    status = Varchar(length=10, choices=OutboxStatus, default="queued")
    attempts = Integer(default=0)
    # Times a claim found the message "sending" under an expired lease: its dispatcher died
    # while the relay may already have accepted it. It is sent again at most once.
    taken_over = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    # Set just before the message goes to the relay, cleared once the outcome is recorded:
    # a message claimed but never handed over is not "uncertain" when taken over.
    handed_at = Timestamptz(null=True, default=None)
    claimed_until = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class MeetingInvitee(Table, tablename="meeting_invitee"):
    """An address that was sent a meeting's calendar invite: it is told of every change."""

    id: Serial
    meeting = ForeignKey(null=False, references=Meeting, on_delete=OnDelete.restrict, index=True)
    email = Varchar(length=320)
    user = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    agency = ForeignKey(references=Agency, null=True, on_delete=OnDelete.restrict)


class ActionLink(Table, tablename="action_link"):
    """A one-click link to report one action's outcome, sent in one email. Single use: the
    first recorded outcome consumes it."""

    id: Serial
    action = ForeignKey(null=False, references=Action, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(null=False, references=User, on_delete=OnDelete.restrict)
    token_hash = Varchar(length=64, unique=True, secret=True)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ReminderSent(Table, tablename="reminder_sent"):
    """A reminder, chaser or warning already queued, by key ("action-chaser:12:2"): the
    reminder sweep runs often and queues each one once."""

    id: Serial
    key = Varchar(length=200, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class CalendarFeed(Table, tablename="calendar_feed"):
    """A panel's subscription feed: the secret in its URL is shown once, kept as a hash."""

    id: Serial
    panel = ForeignKey(null=False, references=Panel, unique=True, on_delete=OnDelete.restrict)
    token_hash = Varchar(length=64, unique=True, secret=True)
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())
