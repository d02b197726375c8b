"""The demo's mail sink: an SMTP server on loopback that keeps every message as a file.

``make run`` points the dispatcher at it, so the demo's mail never leaves the machine and a
newcomer can read it at ``/demo/mail``. Each message is stored as ``<name>.eml`` (the DATA
bytes exactly as received) beside ``<name>.json`` (the envelope: sender and recipients).
Names sort by arrival: ``20261123T101500123456-0001.eml`` (UTC, then a serial number).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import json
import logging
import os
import re
import socket
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from litestar import Litestar

from panel_service.settings import MessagingSettings, get_settings

logger = logging.getLogger(__name__)

MESSAGE_NAME = re.compile(r"[0-9]{8}T[0-9]{12}-[0-9]{4}\.eml")
"""A stored message's file name; nothing else in the sink directory is ever served."""
_STAMP_FORMAT = "%Y%m%dT%H%M%S%f"
_READY_SECONDS = 5.0


class MailSinkRefused(RuntimeError):
    """The sink's configuration would expose it or could never receive the demo's mail."""


@dataclass(frozen=True, slots=True)
class SinkEnvelope:
    """What the SMTP envelope said about a stored message (the sidecar file)."""

    mail_from: str
    rcpt_tos: tuple[str, ...]


def received_at(name: str) -> datetime:
    """The arrival time (UTC) encoded in a stored message's name."""
    return datetime.strptime(name.split("-", 1)[0], _STAMP_FORMAT).replace(tzinfo=UTC)


def envelope_path(message: Path) -> Path:
    return message.with_suffix(".json")


def read_envelope(message: Path) -> SinkEnvelope:
    """The envelope stored beside ``message`` (empty if the sidecar is missing or unreadable)."""
    try:
        data = json.loads(envelope_path(message).read_text(encoding="utf-8"))
        return SinkEnvelope(str(data["mail_from"]), tuple(str(r) for r in data["rcpt_tos"]))
    except (OSError, ValueError, KeyError, TypeError):
        return SinkEnvelope("", ())


def _write_atomically(path: Path, content: bytes) -> None:
    # A reader never sees half a file: the name appears only once the bytes are all there.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class MailStore:
    """Writes received messages into one directory, names sortable by arrival."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._serials = itertools.count(1)

    def keep(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> Path:
        """Store one message (its envelope first, so a listed message always has one)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime(_STAMP_FORMAT)
        path = self.directory / f"{stamp}-{next(self._serials) % 10_000:04d}.eml"
        sidecar = {"mail_from": mail_from, "rcpt_tos": rcpt_tos}
        _write_atomically(envelope_path(path), json.dumps(sidecar, indent=1).encode())
        _write_atomically(path, content)
        return path


class _SinkHandler:
    """aiosmtpd hooks: accept every recipient, store every message."""

    def __init__(self, store: MailStore) -> None:
        self._store = store

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        try:
            self._store.keep(
                envelope.mail_from or "",
                list(envelope.rcpt_tos),
                bytes(envelope.original_content or b""),
            )
        except OSError:
            logger.exception("the demo mail sink could not store a message")
            # A temporary failure: the dispatcher keeps the message and tries again.
            return "451 4.3.0 Could not store the message"
        return "250 2.0.0 Stored by the demo mail sink"


def bind_address(host: str) -> str:
    """The loopback address to listen on for ``host``; refuses anything else.

    Only loopback literals and ``localhost`` are accepted, without any name lookup: the sink
    takes mail from anyone who can reach it and shows it on an unauthenticated page.
    """
    name = host.strip().strip("[]").lower()
    if name in ("localhost", "localhost."):
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise MailSinkRefused(
            f"the demo mail sink listens on loopback only, but PANEL_SMTP_HOST is {host!r}: "
            "set PANEL_SMTP_HOST=127.0.0.1 (or unset PANEL_DEMO_MAIL_SINK)"
        )
    return str(address)


class MailSink:
    """The SMTP sink on its own thread and event loop (aiosmtpd ``Controller``)."""

    def __init__(self, directory: Path, host: str, port: int) -> None:
        self.store = MailStore(directory)
        self.host = bind_address(host)
        self.port = port
        self._controller: Controller | None = None

    def start(self) -> None:
        """Listen (blocks until the server answers, at most a few seconds)."""
        self.store.directory.mkdir(parents=True, exist_ok=True)
        self._check_port_free()
        # aiosmtpd logs every SMTP command, addresses included: the page is where to look.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        controller = Controller(
            _SinkHandler(self.store),
            hostname=self.host,
            port=self.port,
            server_hostname="panel-demo-mail-sink",  # spares a reverse DNS lookup
            ready_timeout=_READY_SECONDS,
        )
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Stop listening and close every connection."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def _check_port_free(self) -> None:
        # aiosmtpd reports a failed bind only after its whole ready timeout, and vaguely.
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        try:
            probe = socket.create_server((self.host, self.port), family=family)
        except OSError as exc:
            raise MailSinkRefused(
                f"the demo mail sink cannot listen on {self.host}:{self.port} ({exc.strerror}); "
                "free the port or choose another with PANEL_SMTP_PORT"
            ) from exc
        probe.close()


def sink_for(settings: MessagingSettings) -> MailSink:
    """The sink the settings describe; refuses settings the demo's mail could not reach."""
    if settings.smtp_security != "none" or not settings.smtp_allow_plaintext:
        # The sink offers no TLS: a dispatcher insisting on it would never deliver anything.
        raise MailSinkRefused(
            "the demo mail sink speaks plain SMTP on loopback: set PANEL_SMTP_SECURITY=none "
            "and PANEL_SMTP_ALLOW_PLAINTEXT=1 with PANEL_DEMO_MAIL_SINK=1"
        )
    return MailSink(settings.mail_sink_dir, settings.smtp_host, settings.smtp_port)


@contextlib.asynccontextmanager
async def mail_sink(_: Litestar) -> AsyncIterator[None]:
    """Run the sink for the app's lifetime when ``PANEL_DEMO_MAIL_SINK=1`` (list it before
    the dispatcher, so that the sink is listening before anything is sent)."""
    settings = get_settings().messaging
    if not settings.demo_mail_sink:
        yield
        return
    sink = sink_for(settings)
    await asyncio.to_thread(sink.start)
    logger.info(
        "demo mail sink on %s:%d, storing into %s", sink.host, sink.port, sink.store.directory
    )
    try:
        yield
    finally:
        await asyncio.to_thread(sink.stop)
