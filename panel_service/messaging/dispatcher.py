"""The dispatcher: claims due messages, builds them once, sends them, records the outcome.

- A claim marks a message "sending" under a lease, in one short transaction; on
  PostgreSQL the claim skips rows another dispatcher holds (``FOR UPDATE SKIP LOCKED``), on
  SQLite the single writer serialises claims. Several dispatchers never take one message.
- The message is composed once and its bytes stored, with the moment it is handed to the
  relay, just before its first send, so a retry sends exactly the same message,
  Message-ID included.
- Each outcome is recorded as soon as the relay answers. A dispatcher killed between the
  relay accepting a message and that record leaves it "sending" and handed over; when the
  lease runs out another dispatcher takes it over and sends it again, once, with the same
  Message-ID (messages of the batch it never handed over are simply sent). A message
  taken over a second time is not sent a third time: it is marked failed
  ("delivery uncertain") for the coordinator to check.
- Connection failures and SMTP 4xx are retried with exponential backoff; SMTP 5xx, and
  running out of attempts, fail the message and tell the coordination team on Slack.
- Slack's 429 Retry-After pauses Slack messages (only) until then; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from panel_service import db
from panel_service.accounts.actor import Actor
from panel_service.adapters.email import (
    Delivery,
    DeliveryResult,
    Envelope,
    MailSession,
    MailTransport,
)
from panel_service.adapters.slack import ChatTransport
from panel_service.audit.trail import record_event, record_events
from panel_service.messaging.compose import Composer
from panel_service.messaging.outbox import enqueue, register_waker, slack_message, unregister_waker
from panel_service.messaging.tables import Channel, OutboxMessage, OutboxStatus
from panel_service.settings import MessagingSettings

logger = logging.getLogger(__name__)
DISPATCHER = Actor(user_id=None, label="dispatcher")
MAX_BACKOFF = timedelta(hours=6)
SWEEP_EVERY = timedelta(minutes=15)
# Messages built and handed over ahead of the one being sent.
READY_AHEAD = 2
_RETURNING = (
    " RETURNING id, channel, kind, panel, meeting, agency, recipient, recipient_user,"
    " parameters, message_id, subject, content, disclosure, attempts, taken_over"
)


@dataclass(frozen=True, slots=True)
class PassResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _claim_statement(skip_slack: bool, postgres: bool) -> str:
    """The claim: due messages, and messages whose dispatcher's lease ran out. Only constant
    fragments are joined here; every value is a placeholder (lease, now, now, limit)."""
    slack = " AND channel <> 'slack'" if skip_slack else ""
    lock = " FOR UPDATE SKIP LOCKED" if postgres else ""
    return (
        "UPDATE outbox_message SET status = 'sending', claimed_until = {},"  # noqa: S608
        " attempts = attempts + 1,"
        " taken_over = taken_over"
        " + CASE WHEN status = 'sending' AND handed_at IS NOT NULL THEN 1 ELSE 0 END"
        " WHERE id IN (SELECT id FROM outbox_message"
        " WHERE status IN ('queued', 'sending') AND next_attempt_at <= {}"
        f" AND (status = 'queued' OR claimed_until < {{}}){slack}"
        f" ORDER BY next_attempt_at, id LIMIT {{}}{lock}){_RETURNING}"
    )


def _row(raw: dict[str, Any]) -> dict[str, Any]:
    row = dict(raw)
    for name in ("parameters", "disclosure"):
        if isinstance(row[name], str):
            row[name] = json.loads(row[name])
    if row["content"] is not None:
        row["content"] = bytes(row["content"])
    return row


class Dispatcher:
    """Sends the outbox through ``mail`` and, when Slack is configured, ``chat``."""

    def __init__(
        self,
        settings: MessagingSettings,
        mail: MailTransport,
        chat: ChatTransport | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        batch: int = 50,
    ) -> None:
        self.settings = settings
        self.mail = mail
        self.chat = chat
        self.clock = clock
        self.batch = batch
        self.slack_paused_until: datetime | None = None

    async def claim(self, now: datetime) -> list[dict[str, Any]]:
        """Take up to ``batch`` due messages (one transaction)."""
        skip_slack = self.chat is None or (
            self.slack_paused_until is not None and now < self.slack_paused_until
        )
        lease = now + timedelta(seconds=self.settings.lease_seconds)
        postgres = db.get_engine().engine_type == "postgres"
        async with db.transaction():
            rows = await db.fetch(
                _claim_statement(skip_slack, postgres), lease, now, now, self.batch
            )
        return sorted((_row(r) for r in rows), key=lambda r: r["id"])

    async def run_once(self, max_passes: int = 50) -> PassResult:
        """Send what is due now, batch after batch, until nothing is due (bounded).

        Two stages overlap: one claims and builds messages while the other hands over the
        messages already built (stored, then sent) and records each outcome; at most
        ``READY_AHEAD`` built messages wait between them. Each claimed batch is built by a
        composer of its own, which reads everything after the claim: a change committed
        before a message was queued is always in it (a meeting moved while an earlier batch
        was sending is moved in its update)."""
        ready: asyncio.Queue[tuple[dict[str, Any], dict[Any, Any]] | None] = asyncio.Queue(
            READY_AHEAD
        )
        counts = {Delivery.SENT: 0, Delivery.RETRY: 0, Delivery.FAILED: 0}

        async def build() -> None:
            for _ in range(max_passes):
                now = self.clock()
                rows = await self.claim(now)
                if not rows:
                    break
                composer = Composer(self.settings, now, rows)
                for row in rows:
                    built = await self._build(composer, row)
                    if built is None:
                        counts[Delivery.FAILED] += 1
                    else:
                        await ready.put((row, built))
            await ready.put(None)

        async def send() -> None:
            async with self.mail.session() as session:
                while (item := await ready.get()) is not None:
                    row, built = item
                    if await self._hand_over(row, built):
                        counts[await self._deliver(session, row)] += 1

        try:
            async with asyncio.TaskGroup() as stages:
                stages.create_task(build())
                stages.create_task(send())
        except ExceptionGroup as failed:
            # The other stage has been cancelled; what stopped the run is the first error.
            raise failed.exceptions[0] from None
        return PassResult(counts[Delivery.SENT], counts[Delivery.RETRY], counts[Delivery.FAILED])

    async def _build(self, composer: Composer, row: dict[str, Any]) -> dict[Any, Any] | None:
        """The message's content to store, if it has none yet (built once, ever). None:
        failed instead (taken over twice, or it cannot be built)."""
        if row["taken_over"] > 1:
            await self._fail(
                row,
                "delivery uncertain: its dispatcher stopped twice while sending it; check"
                " with the recipient before retrying",
            )
            return None
        if row["content"] is not None:
            return {}
        try:
            composed = await composer.compose(row)
        except Exception as exc:
            logger.exception("could not build outbox message %s", row["id"])
            await self._fail(row, f"could not be built: {type(exc).__name__}")
            return None
        row.update(
            content=composed.content, subject=composed.subject, disclosure=composed.disclosure
        )
        return {
            OutboxMessage.content: composed.content,
            OutboxMessage.subject: composed.subject,
            OutboxMessage.disclosure: composed.disclosure,
        }

    async def _hand_over(self, row: dict[str, Any], built: dict[Any, Any]) -> bool:
        """Store what was built, mark the message handed over and renew its lease (one
        transaction), just before it goes to the relay. False, and nothing is sent, when
        another dispatcher has taken the message over meanwhile (its lease ran out while it
        waited here): each claim counts an attempt, so the attempt number fences it."""
        now = self.clock()
        async with db.transaction():
            taken = (
                await OutboxMessage.update(
                    {
                        OutboxMessage.handed_at: now,
                        OutboxMessage.claimed_until: now
                        + timedelta(seconds=self.settings.lease_seconds),
                        **built,
                    }
                )
                .where(
                    (OutboxMessage.id == row["id"])
                    & (OutboxMessage.status == OutboxStatus.SENDING.value)
                    & (OutboxMessage.attempts == row["attempts"])
                )
                .returning(OutboxMessage.id)
            )
        return bool(taken)

    async def _deliver(self, session: MailSession, row: dict[str, Any]) -> Delivery:
        if row["channel"] == Channel.SLACK.value:
            result = await self._post(row)
        else:
            envelope = Envelope(
                sender=self.settings.mail_from,
                recipients=(row["recipient"],),
                content=row["content"],
            )
            result = await session.send(envelope)
        if result.outcome is Delivery.SENT:
            await self._sent(row, result)
        elif result.outcome is Delivery.RETRY and row["attempts"] < self.settings.max_attempts:
            await self._retry(row, result)
        else:
            reason = result.detail or "refused"
            if result.outcome is Delivery.RETRY:
                reason = f"gave up after {row['attempts']} attempts: {reason}"
            await self._fail(row, reason)
            return Delivery.FAILED
        return result.outcome

    async def _post(self, row: dict[str, Any]) -> DeliveryResult:
        assert self.chat is not None
        payload = json.loads(row["content"])
        result = await self.chat.post(row["recipient"], payload["text"], payload["blocks"])
        if result.retry_after is not None:
            self.slack_paused_until = self.clock() + timedelta(seconds=result.retry_after)
        return result

    async def _sent(self, row: dict[str, Any], result: DeliveryResult) -> None:
        now = self.clock()
        disclosure = row["disclosure"] or {}
        async with db.transaction():
            await OutboxMessage.update(
                {
                    OutboxMessage.status: OutboxStatus.SENT.value,
                    OutboxMessage.sent_at: now,
                    OutboxMessage.claimed_until: None,
                    OutboxMessage.handed_at: None,
                    OutboxMessage.last_error: result.detail if result.detail else "",
                }
            ).where(OutboxMessage.id == row["id"])
            if row["channel"] == Channel.EMAIL.value:
                await _audit_disclosure(row, disclosure)

    async def _retry(self, row: dict[str, Any], result: DeliveryResult) -> None:
        delay = (
            timedelta(seconds=result.retry_after)
            if result.retry_after is not None
            else min(
                timedelta(seconds=self.settings.backoff_seconds * 2 ** (row["attempts"] - 1)),
                MAX_BACKOFF,
            )
        )
        async with db.transaction():
            await OutboxMessage.update(
                {
                    OutboxMessage.status: OutboxStatus.QUEUED.value,
                    OutboxMessage.next_attempt_at: self.clock() + delay,
                    OutboxMessage.claimed_until: None,
                    OutboxMessage.handed_at: None,
                    OutboxMessage.last_error: result.detail,
                }
            ).where(OutboxMessage.id == row["id"])

    async def _fail(self, row: dict[str, Any], reason: str) -> None:
        async with db.transaction():
            await OutboxMessage.update(
                {
                    OutboxMessage.status: OutboxStatus.FAILED.value,
                    OutboxMessage.claimed_until: None,
                    OutboxMessage.handed_at: None,
                    OutboxMessage.last_error: reason,
                }
            ).where(OutboxMessage.id == row["id"])
            await record_event(
                DISPATCHER,
                "delivery_failed",
                "outbox_message",
                row["id"],
                {"kind": row["kind"], "channel": row["channel"], "reason": reason},
            )
            if row["channel"] == Channel.EMAIL.value:
                await enqueue(
                    [
                        slack_message(
                            "delivery_failed",
                            panel_id=row["panel"],
                            meeting_id=row["meeting"],
                            parameters={
                                "outbox_id": row["id"],
                                "kind": row["kind"],
                                "reason": reason,
                            },
                        )
                    ]
                )

    async def run(
        self, stop: asyncio.Event, sweep: Callable[[datetime], Any] | None = None
    ) -> None:
        """Send until ``stop`` is set: woken by a commit that queued a message in this
        process, else every poll interval; runs ``sweep`` (the reminders) every 15 minutes."""
        wake = asyncio.Event()
        register_waker(wake)
        last_sweep: datetime | None = None
        try:
            while not stop.is_set():
                wake.clear()
                try:
                    now = self.clock()
                    if sweep is not None and (
                        last_sweep is None or now - last_sweep >= SWEEP_EVERY
                    ):
                        last_sweep = now
                        await sweep(now)
                    await self.run_once()
                except Exception:
                    logger.exception("dispatcher pass failed; trying again at the next poll")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(wake, stop), self.settings.poll_seconds)
        finally:
            unregister_waker(wake)


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def _audit_disclosure(row: dict[str, Any], disclosure: dict[str, Any]) -> None:
    """The email as a disclosure (DPA 2018 s62): to whom, what, and whether documents were
    attached or withheld; and each case and subject it showed."""
    recipients = [row["recipient"]]
    record_type = disclosure.get("record_type", "outbox_message")
    record_id = disclosure.get("record_id", row["id"])
    detail = {
        "kind": row["kind"],
        "outbox_message_id": row["id"],
        "message_id": row["message_id"],
        **{k: v for k, v in disclosure.items() if k not in ("record_type", "record_id")},
    }
    await record_event(DISPATCHER, "emailed", record_type, record_id, detail, recipients=recipients)
    shown = {"outbox_message_id": row["id"], "document": disclosure.get("document")}
    await record_events(
        DISPATCHER, "emailed", "case", disclosure.get("cases", []), shown, recipients=recipients
    )
    await record_events(
        DISPATCHER,
        "emailed",
        "perpetrator_subject",
        disclosure.get("subjects", []),
        shown,
        recipients=recipients,
    )
