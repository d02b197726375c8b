"""SmtpTransport against a real local SMTP server: TLS, scripted faults and connection reuse."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import trustme

from panel_service.adapters.email import Delivery, DeliveryResult, Envelope
from panel_service.adapters.mime import build_message
from panel_service.adapters.smtp import SmtpConfig, SmtpTransport, TransportSecurity
from tests.support.smtp_server import SmtpServer, ca_pem_file

SENDER = "noreply@panel.example"
RECIPIENT = "idva@refuge.nhs.net"


def _envelope(recipients: tuple[str, ...] = (RECIPIENT,), subject: str = "Agenda") -> Envelope:
    content = build_message(
        message_id="<outbox-1@panel.example>",
        sender=SENDER,
        sender_name="Northtown MARAC",
        to=list(recipients),
        subject=subject,
        text="The agenda is ready.\n",
        html="<p>The agenda is ready.</p>",
        sent_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    )
    return Envelope(sender=SENDER, recipients=recipients, content=content)


def _plain(server: SmtpServer) -> SmtpConfig:
    return SmtpConfig(
        host=server.host,
        port=server.port,
        security=TransportSecurity.NONE,
        allow_plaintext=True,
        timeout=5,
    )


def _tls(server: SmtpServer, security: TransportSecurity, ca_file: Path) -> SmtpConfig:
    return SmtpConfig(
        host=server.host, port=server.port, security=security, ca_file=ca_file, timeout=5
    )


def _send_all(config: SmtpConfig, *envelopes: Envelope) -> list[DeliveryResult]:
    """Send the envelopes in order through one session."""

    async def run() -> list[DeliveryResult]:
        async with SmtpTransport(config).session() as session:
            return [await session.send(envelope) for envelope in envelopes]

    return asyncio.run(run())


def test_the_envelope_holds_exactly_the_intended_recipients(smtp_server: SmtpServer) -> None:
    # The content names a second address in To: only the envelope decides who receives it.
    content = build_message(
        message_id="<outbox-2@panel.example>",
        sender=SENDER,
        sender_name="Northtown MARAC",
        to=[RECIPIENT, "perpetrator@example.com"],
        subject="Safety plan",
        text="Restricted.\n",
        html="<p>Restricted.</p>",
        sent_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    )
    envelope = Envelope(sender=SENDER, recipients=(RECIPIENT,), content=content)

    (result,) = _send_all(_plain(smtp_server), envelope)

    assert result == DeliveryResult(Delivery.SENT)
    (received,) = smtp_server.wait_for(1)
    assert received.mail_from == SENDER
    assert received.rcpt_tos == [RECIPIENT]
    assert received.content.rstrip(b"\r\n") == content.rstrip(b"\r\n")


def test_starttls_with_the_relays_ca_delivers(
    smtp_starttls_server: SmtpServer, tls_ca_file: Path
) -> None:
    config = _tls(smtp_starttls_server, TransportSecurity.STARTTLS, tls_ca_file)
    (result,) = _send_all(config, _envelope())

    assert result.outcome is Delivery.SENT
    assert [r.rcpt_tos for r in smtp_starttls_server.wait_for(1)] == [[RECIPIENT]]


def test_a_certificate_from_an_untrusted_ca_is_refused_and_nothing_is_sent(
    smtp_starttls_server: SmtpServer, tmp_path: Path
) -> None:
    other_ca_file = ca_pem_file(trustme.CA(), tmp_path)
    config = _tls(smtp_starttls_server, TransportSecurity.STARTTLS, other_ca_file)

    (result,) = _send_all(config, _envelope())

    assert result.outcome is Delivery.RETRY
    assert result.detail.startswith("certificate not trusted")
    assert smtp_starttls_server.received == []


def test_implicit_tls_delivers(
    smtp_server_factory: Callable[..., SmtpServer], tls_ca_file: Path
) -> None:
    server = smtp_server_factory("implicit")
    (result,) = _send_all(_tls(server, TransportSecurity.TLS, tls_ca_file), _envelope())

    assert result.outcome is Delivery.SENT
    assert len(server.wait_for(1)) == 1


def test_implicit_tls_with_an_untrusted_certificate_is_refused(
    smtp_server_factory: Callable[..., SmtpServer], tmp_path: Path
) -> None:
    server = smtp_server_factory("implicit")
    config = _tls(server, TransportSecurity.TLS, ca_pem_file(trustme.CA(), tmp_path))

    (result,) = _send_all(config, _envelope())

    assert result.outcome is Delivery.RETRY
    assert result.detail.startswith("certificate not trusted")
    assert server.received == []


def test_credentials_are_given_after_starttls_and_a_wrong_password_is_retry(
    smtp_server_factory: Callable[..., SmtpServer], tls_ca_file: Path
) -> None:
    server = smtp_server_factory("starttls", credentials=("panel", "s3cret"))
    base = _tls(server, TransportSecurity.STARTTLS, tls_ca_file)

    (accepted,) = _send_all(replace(base, username="panel", password="s3cret"), _envelope())
    (refused,) = _send_all(replace(base, username="panel", password="guess"), _envelope())
    (anonymous,) = _send_all(base, _envelope())

    assert accepted.outcome is Delivery.SENT
    assert refused.outcome is Delivery.RETRY
    assert refused.detail.startswith("authentication refused: 535")
    assert anonymous == DeliveryResult(Delivery.FAILED, "530 5.7.0 Authentication required")
    assert len(server.wait_for(1)) == 1


def test_a_relay_without_starttls_gets_nothing_in_clear(
    smtp_server: SmtpServer, tls_ca_file: Path
) -> None:
    config = _tls(smtp_server, TransportSecurity.STARTTLS, tls_ca_file)

    (result,) = _send_all(config, _envelope())

    assert result.outcome is Delivery.RETRY
    assert "no STARTTLS" in result.detail
    assert smtp_server.received == []


def test_a_temporary_refusal_is_retry_and_the_next_send_in_the_session_succeeds(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.script("451", "250")

    first, second = _send_all(_plain(smtp_server), _envelope(), _envelope())

    assert first == DeliveryResult(Delivery.RETRY, "451 4.3.0 Try again later")
    assert second == DeliveryResult(Delivery.SENT)
    assert len(smtp_server.wait_for(1)) == 1


def test_a_permanent_refusal_is_failed(smtp_server: SmtpServer) -> None:
    smtp_server.script("550")

    (result,) = _send_all(_plain(smtp_server), _envelope())

    assert result == DeliveryResult(Delivery.FAILED, "550 5.7.1 Rejected")
    assert smtp_server.received == []


def test_a_connection_dropped_mid_data_is_retry_and_the_session_reconnects(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.script("drop")

    first, second = _send_all(_plain(smtp_server), _envelope(), _envelope())

    assert first.outcome is Delivery.RETRY
    assert first.detail.startswith("connection failed")
    assert second.outcome is Delivery.SENT
    assert len(smtp_server.wait_for(1)) == 1
    assert smtp_server.connections == 2


def test_a_partial_refusal_counts_as_sent_naming_codes_not_addresses(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.refuse_recipient("gone@refuge.nhs.net")

    (result,) = _send_all(_plain(smtp_server), _envelope((RECIPIENT, "gone@refuge.nhs.net")))

    assert result.outcome is Delivery.SENT
    assert result.detail == "accepted for 1 of 2; refused: 550"
    assert [r.rcpt_tos for r in smtp_server.wait_for(1)] == [[RECIPIENT]]


def test_every_recipient_refused_is_failed_or_retry_by_the_codes(smtp_server: SmtpServer) -> None:
    smtp_server.refuse_recipient(RECIPIENT)
    smtp_server.refuse_recipient("busy@refuge.nhs.net", "452 4.2.2 Mailbox full")

    permanent, temporary = _send_all(
        _plain(smtp_server), _envelope(), _envelope(("busy@refuge.nhs.net",))
    )

    assert permanent == DeliveryResult(Delivery.FAILED, "recipients refused: 550")
    assert temporary == DeliveryResult(Delivery.RETRY, "recipients refused: 452")
    assert smtp_server.received == []


def test_a_closed_port_is_retry() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = SmtpConfig("127.0.0.1", port, TransportSecurity.NONE, allow_plaintext=True, timeout=2)

    (result,) = _send_all(config, _envelope())

    assert result.outcome is Delivery.RETRY
    assert result.detail.startswith("connection failed")


def test_five_messages_in_one_session_use_one_connection_and_end_with_quit(
    smtp_starttls_server: SmtpServer, tls_ca_file: Path
) -> None:
    config = _tls(smtp_starttls_server, TransportSecurity.STARTTLS, tls_ca_file)
    envelopes = [_envelope(subject=f"Agenda {n}") for n in range(5)]

    results = _send_all(config, *envelopes)

    assert [r.outcome for r in results] == [Delivery.SENT] * 5
    assert len(smtp_starttls_server.wait_for(5)) == 5
    assert smtp_starttls_server.connections == 1
    assert smtp_starttls_server.quits == 1


def test_a_session_with_nothing_to_send_never_connects(smtp_server: SmtpServer) -> None:
    assert _send_all(_plain(smtp_server)) == []
    assert smtp_server.connections == 0
