"""Rules the transports enforce before any I/O, and the in-memory fakes other tests use."""

from __future__ import annotations

import asyncio

import pytest

from panel_service.adapters.email import (
    Delivery,
    DeliveryResult,
    Envelope,
    MemoryTransport,
)
from panel_service.adapters.slack import MemoryChat
from panel_service.adapters.smtp import SmtpConfig, TransportSecurity


def test_plaintext_smtp_is_refused_unless_explicitly_allowed() -> None:
    with pytest.raises(ValueError, match="allow_plaintext"):
        SmtpConfig(host="127.0.0.1", port=25, security=TransportSecurity.NONE)
    allowed = SmtpConfig(
        host="127.0.0.1", port=25, security=TransportSecurity.NONE, allow_plaintext=True
    )
    assert allowed.security is TransportSecurity.NONE


def test_starttls_is_the_default() -> None:
    assert SmtpConfig(host="relay.example", port=587).security is TransportSecurity.STARTTLS


@pytest.mark.parametrize(
    "recipients",
    [
        (),
        ("idva@refuge.nhs.net, abuser@example.com",),
        ("Name <idva@refuge.nhs.net>",),
        ("idva@refuge.nhs.net\r\nRCPT TO:<abuser@example.com>",),
        ("not-an-address",),
    ],
)
def test_an_envelope_takes_only_bare_addresses(recipients: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="recipients"):
        Envelope(sender="noreply@panel.example", recipients=recipients, content=b"x")


def test_an_envelope_sender_must_be_a_bare_address() -> None:
    with pytest.raises(ValueError, match="sender"):
        Envelope(sender="Panel <noreply@panel.example>", recipients=("a@b.example",), content=b"")


def test_the_memory_transport_records_every_attempt_and_plays_its_script() -> None:
    transport = MemoryTransport([DeliveryResult(Delivery.RETRY, "451 4.3.0 later")])
    envelope = Envelope("noreply@panel.example", ("idva@refuge.nhs.net",), b"message")

    async def send_twice() -> list[DeliveryResult]:
        async with transport.session() as session:
            return [await session.send(envelope), await session.send(envelope)]

    first, second = asyncio.run(send_twice())
    assert first == DeliveryResult(Delivery.RETRY, "451 4.3.0 later")
    assert second.outcome is Delivery.SENT
    assert transport.sent == [envelope, envelope]


def test_the_memory_chat_records_posts_and_plays_its_script() -> None:
    chat = MemoryChat([DeliveryResult(Delivery.RETRY, "rate limited", retry_after=3.0)])
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "2 new referrals"}}]

    async def post_twice() -> list[DeliveryResult]:
        return [await chat.post("C123", "2 new referrals", blocks) for _ in range(2)]

    first, second = asyncio.run(post_twice())
    assert first.retry_after == 3.0
    assert second.outcome is Delivery.SENT
    assert chat.posts == [("C123", "2 new referrals", blocks)] * 2
