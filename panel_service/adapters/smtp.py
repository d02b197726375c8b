"""The real mail transport: aiosmtplib, TLS required and certificates verified.

Nothing here logs message content or addresses; results carry reply codes and short reasons.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from aiosmtplib import (
    SMTP,
    SMTPAuthenticationError,
    SMTPException,
    SMTPNotSupported,
    SMTPRecipientsRefused,
    SMTPResponseException,
)

from panel_service.adapters.email import Delivery, DeliveryResult, Envelope, MailSession


class TransportSecurity(StrEnum):
    """How the connection to the relay is protected."""

    TLS = "tls"  # implicit TLS, usually port 465
    STARTTLS = "starttls"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and how to reach the mail relay."""

    host: str
    port: int
    security: TransportSecurity = TransportSecurity.STARTTLS
    username: str = ""
    password: str = ""
    ca_file: Path | None = None
    timeout: float = 30.0
    allow_plaintext: bool = False

    def __post_init__(self) -> None:
        if self.security is TransportSecurity.NONE and not self.allow_plaintext:
            raise ValueError(
                "security 'none' sends mail and credentials in clear; it is accepted only "
                "with allow_plaintext=True, for local development"
            )


class _NoStartTls(Exception):
    """The relay did not offer STARTTLS, so nothing may be sent."""


_DETAIL_LIMIT = 200


def _clip(text: str) -> str:
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 1] + "…"


def _reply(code: int, message: str) -> DeliveryResult:
    outcome = Delivery.FAILED if 500 <= code < 600 else Delivery.RETRY
    return DeliveryResult(outcome, _clip(f"{code} {message}"))


def _ssl_error(exc: BaseException) -> ssl.SSLError | None:
    # aiosmtplib wraps handshake failures on connect, but not on STARTTLS: look down the chain.
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None or isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _connection_detail(exc: BaseException) -> str:
    tls_error = _ssl_error(exc)
    if isinstance(tls_error, ssl.SSLCertVerificationError):
        return _clip(f"certificate not trusted: {tls_error.verify_message}")
    if tls_error is not None:
        return _clip(f"TLS handshake failed: {tls_error.reason or tls_error}")
    if isinstance(exc, TimeoutError):
        return _clip(f"timed out: {exc}")
    return _clip(f"connection failed: {exc or type(exc).__name__}")


class _SmtpSession:
    """One lazily opened connection, reused for every send until it breaks or the session ends."""

    def __init__(self, config: SmtpConfig, tls_context: ssl.SSLContext | None) -> None:
        self._config = config
        self._tls_context = tls_context
        self._client: SMTP | None = None
        self._lock = asyncio.Lock()

    async def send(self, envelope: Envelope) -> DeliveryResult:
        """Hand one message to the relay, connecting first if need be."""
        async with self._lock:
            try:
                client = await self._connected()
            except _NoStartTls:
                return DeliveryResult(
                    Delivery.RETRY, "relay offered no STARTTLS; refusing to send in clear"
                )
            except SMTPAuthenticationError as exc:
                return DeliveryResult(
                    Delivery.RETRY, _clip(f"authentication refused: {exc.code} {exc.message}")
                )
            except SMTPResponseException as exc:
                # Refused before any message was offered: the relay, not the message, is at fault.
                return DeliveryResult(Delivery.RETRY, _clip(f"{exc.code} {exc.message}"))
            except (SMTPException, OSError) as exc:
                return DeliveryResult(Delivery.RETRY, _connection_detail(exc))
            return await self._transact(client, envelope)

    async def _transact(self, client: SMTP, envelope: Envelope) -> DeliveryResult:
        try:
            refused, _ = await client.sendmail(
                envelope.sender, list(envelope.recipients), envelope.content
            )
        except SMTPRecipientsRefused as exc:
            # RCPT replies often echo the address: report the codes only.
            codes = [refusal.code for refusal in exc.recipients]
            outcome = Delivery.RETRY if any(code < 500 for code in codes) else Delivery.FAILED
            return DeliveryResult(outcome, f"recipients refused: {', '.join(map(str, codes))}")
        except SMTPResponseException as exc:
            return _reply(exc.code, exc.message)
        except SMTPNotSupported as exc:
            return DeliveryResult(Delivery.FAILED, _clip(str(exc)))
        except (SMTPException, OSError) as exc:
            self._discard()
            return DeliveryResult(Delivery.RETRY, _connection_detail(exc))
        except ValueError:
            # aiosmtplib refuses addresses it cannot encode; its message names the address.
            return DeliveryResult(Delivery.FAILED, "an address cannot be sent over SMTP")
        if not refused:
            return DeliveryResult(Delivery.SENT)
        # Delivered to the others: sending again would duplicate it for them.
        refused_codes = ", ".join(str(reply.code) for reply in refused.values())
        total = len(envelope.recipients)
        return DeliveryResult(
            Delivery.SENT,
            f"accepted for {total - len(refused)} of {total}; refused: {refused_codes}",
        )

    async def _connected(self) -> SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        config = self._config
        client = SMTP(
            hostname=config.host,
            port=config.port,
            use_tls=config.security is TransportSecurity.TLS,
            start_tls=False,  # done below, so that a missing STARTTLS is refused, not skipped
            tls_context=self._tls_context,
            timeout=config.timeout,
        )
        await client.connect()
        try:
            if config.security is TransportSecurity.STARTTLS:
                await client.ehlo()
                if not client.supports_extension("starttls"):
                    raise _NoStartTls
                await client.starttls()
            if config.username:
                await client.login(config.username, config.password)
        except BaseException:
            client.close()
            raise
        self._client = client
        return client

    def _discard(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = None

    async def close(self) -> None:
        """Say QUIT if the connection is still up; a relay that has gone away is simply dropped."""
        client, self._client = self._client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit()
        except (SMTPException, OSError):
            client.close()


class SmtpTransport:
    """The real mail transport: aiosmtplib, certificates always verified."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config
        self._tls_context: ssl.SSLContext | None = None
        if config.security is not TransportSecurity.NONE:
            # Built once: loading the trust store costs more than a send.
            self._tls_context = ssl.create_default_context(
                cafile=str(config.ca_file) if config.ca_file else None
            )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[MailSession]:
        """A session whose connection opens on the first send and closes (QUIT) at the end."""
        session = _SmtpSession(self._config, self._tls_context)
        try:
            yield session
        finally:
            await session.close()
