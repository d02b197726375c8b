"""Outgoing email: what a send attempt results in, the envelope, the transport protocols,
and an in-memory fake. The relay itself is ``adapters.smtp``; the message, ``adapters.mime``.

Nothing here logs message content or addresses; results carry reply codes and short reasons.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Delivery(StrEnum):
    """What became of one attempt to hand a message over."""

    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The outcome of one attempt, with the peer's reply (never message content)."""

    outcome: Delivery
    detail: str = ""
    retry_after: float | None = None


# A bare addr-spec: no display name, no list, nothing that could extend an SMTP command line.
_MAILBOX = re.compile(r"[^\s@<>,;:\"()\[\]\\]+@[^\s@<>,;:\"()\[\]\\]+")


@dataclass(frozen=True, slots=True)
class Envelope:
    """The SMTP envelope: the message goes to exactly these recipients, whatever its headers say."""

    sender: str
    recipients: tuple[str, ...]
    content: bytes

    def __post_init__(self) -> None:
        if not self.recipients:
            raise ValueError("recipients: at least one is required")
        if not _MAILBOX.fullmatch(self.sender):
            raise ValueError("sender: not a bare email address")
        for index, recipient in enumerate(self.recipients):
            if not _MAILBOX.fullmatch(recipient):
                raise ValueError(f"recipients[{index}]: not a bare email address")


class MailSession(Protocol):
    """An open channel to the relay; several messages may go through one session."""

    async def send(self, envelope: Envelope) -> DeliveryResult: ...


class MailTransport(Protocol):
    """Opens mail sessions."""

    def session(self) -> AbstractAsyncContextManager[MailSession]: ...


class MemoryTransport:
    """A fake transport: keeps every envelope it is asked to send and answers from a script.

    `results` are returned in order, one per send; once they run out every send is SENT.
    `.sent` holds every attempt, including those answered RETRY or FAILED.
    """

    def __init__(self, results: Iterable[DeliveryResult] = ()) -> None:
        self.sent: list[Envelope] = []
        self._script = deque(results)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[MailSession]:
        """A session on the fake; nothing to open or close."""
        yield self

    async def send(self, envelope: Envelope) -> DeliveryResult:
        """Record the envelope and return the next scripted result."""
        self.sent.append(envelope)
        return self._script.popleft() if self._script else DeliveryResult(Delivery.SENT)
