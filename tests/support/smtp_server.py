"""A real SMTP server for tests (aiosmtpd on 127.0.0.1, in its own thread) with scripted faults.

Each scripted behaviour answers one DATA command, in order: "250" accepts, "451" and "550"
refuse, "drop" closes the connection mid-DATA without a reply. Unscripted DATA is accepted.
Only accepted messages are kept in `received`. `refuse_recipient()` makes RCPT refuse one
address, for partial deliveries. With `credentials`, the server demands AUTH (over TLS only).
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

Behaviour = Literal["250", "451", "550", "drop"]
Security = Literal["plain", "starttls", "implicit"]

REPLIES: dict[str, str] = {
    "250": "250 2.0.0 OK queued",
    "451": "451 4.3.0 Try again later",
    "550": "550 5.7.1 Rejected",
}
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One accepted message, as the server saw its envelope and raw DATA."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes


class _Handler:
    """aiosmtpd handler hooks: count connections, play the script, keep what was accepted."""

    def __init__(self, owner: SmtpServer) -> None:
        self._owner = owner

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname  # what aiosmtpd does itself when no hook is set
        self._owner._saw_connection(server)
        return responses

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        refusal = self._owner._refusal(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        behaviour = self._owner._next_behaviour()
        if behaviour == "drop":
            # Closed before any reply: the client is left waiting for its DATA answer.
            assert server.transport is not None
            server.transport.close()
            return "421 4.3.0 never sent"
        if behaviour == "250":
            self._owner._keep(
                Received(
                    mail_from=envelope.mail_from or "",
                    rcpt_tos=list(envelope.rcpt_tos),
                    content=bytes(envelope.original_content or b""),
                )
            )
        return REPLIES[behaviour]

    async def handle_QUIT(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self._owner._saw_quit()
        return "221 Bye"


class _Authenticator:
    """Accepts exactly one login and password."""

    def __init__(self, login: str, password: str) -> None:
        self._expected = LoginPassword(login.encode(), password.encode())

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        # handled=False: aiosmtpd sends the 235 or 535 reply itself.
        return AuthResult(success=auth_data == self._expected, handled=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    """A local SMTP server: plain, STARTTLS (required) or implicit TLS."""

    def __init__(
        self,
        security: Security = "plain",
        cert: trustme.LeafCert | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        if security != "plain" and cert is None:
            raise ValueError("a TLS server needs a certificate")
        self._credentials = credentials
        self.host = HOST
        self.port = 0
        self.security = security
        self.received: list[Received] = []
        self._cert = cert
        self._condition = threading.Condition()
        self._script: deque[Behaviour] = deque()
        self._refused: dict[str, str] = {}
        self._clients: list[SMTP] = []
        self._quits = 0
        self._controller: Controller | None = None

    def _tls_context(self) -> ssl.SSLContext:
        assert self._cert is not None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._cert.configure_cert(context)
        return context

    def start(self) -> SmtpServer:
        """Listen on a free port; returns self."""
        options: dict[str, Any] = {}
        if self.security == "starttls":
            options = {"tls_context": self._tls_context(), "require_starttls": True}
        elif self.security == "implicit":
            options = {"ssl_context": self._tls_context()}
        if self._credentials is not None:
            options |= {"authenticator": _Authenticator(*self._credentials), "auth_required": True}
        for _attempt in range(3):  # another process may take the free port before we bind it
            self.port = _free_port()
            controller = Controller(
                _Handler(self),
                hostname=HOST,
                port=self.port,
                server_hostname="smtp.test",  # spares a reverse DNS lookup of this machine
                ready_timeout=5.0,
                **options,
            )
            try:
                controller.start()
            except OSError:
                continue
            self._controller = controller
            return self
        raise RuntimeError("no free port for the test SMTP server")

    def stop(self) -> None:
        """Stop listening and close every connection."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def script(self, *behaviours: Behaviour) -> None:
        """Answer the next DATA commands with these behaviours, in order."""
        with self._condition:
            self._script.extend(behaviours)

    def refuse_recipient(self, address: str, reply: str = "550 5.1.1 Mailbox unavailable") -> None:
        """Answer RCPT TO for this address with `reply` from now on."""
        with self._condition:
            self._refused[address.lower()] = reply

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Wait until `count` messages were accepted (at most `timeout` seconds)."""
        with self._condition:
            if not self._condition.wait_for(lambda: len(self.received) >= count, timeout):
                raise TimeoutError(f"{len(self.received)} of {count} messages after {timeout}s")
            return list(self.received)

    @property
    def connections(self) -> int:
        """How many client connections said EHLO (a STARTTLS upgrade is not a new one)."""
        with self._condition:
            return len(self._clients)

    @property
    def quits(self) -> int:
        """How many QUIT commands were received."""
        with self._condition:
            return self._quits

    def _saw_connection(self, server: SMTP) -> None:
        with self._condition:
            if not any(client is server for client in self._clients):
                self._clients.append(server)

    def _saw_quit(self) -> None:
        with self._condition:
            self._quits += 1

    def _refusal(self, address: str) -> str | None:
        with self._condition:
            return self._refused.get(address.lower())

    def _next_behaviour(self) -> Behaviour:
        with self._condition:
            return self._script.popleft() if self._script else "250"

    def _keep(self, received: Received) -> None:
        with self._condition:
            self.received.append(received)
            self._condition.notify_all()


def ca_pem_file(ca: trustme.CA, directory: Path) -> Path:
    """Write the CA certificate where a client's `ca_file` can point at it."""
    path = directory / "test-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def issue_server_cert(ca: trustme.CA) -> trustme.LeafCert:
    """A certificate for the test server's address, signed by `ca`."""
    return ca.issue_cert(HOST, "localhost")


@pytest.fixture
def tls_ca() -> trustme.CA:
    """A throwaway certificate authority for TLS tests."""
    return trustme.CA()


@pytest.fixture
def tls_ca_file(tls_ca: trustme.CA, tmp_path: Path) -> Path:
    """The `tls_ca` certificate as a PEM file."""
    return ca_pem_file(tls_ca, tmp_path)


@pytest.fixture
def smtp_server_factory(tls_ca: trustme.CA) -> Iterator[Callable[..., SmtpServer]]:
    """Start servers on demand (`security`, `ca` to sign with, `credentials` to demand).

    Every server started stops at teardown.
    """
    servers: list[SmtpServer] = []

    def start(
        security: Security = "plain",
        ca: trustme.CA | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> SmtpServer:
        cert = None if security == "plain" else issue_server_cert(ca or tls_ca)
        server = SmtpServer(security, cert, credentials)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def smtp_server(smtp_server_factory: Callable[..., SmtpServer]) -> SmtpServer:
    """A plain SMTP server (no TLS at all)."""
    return smtp_server_factory("plain")


@pytest.fixture
def smtp_starttls_server(smtp_server_factory: Callable[..., SmtpServer]) -> SmtpServer:
    """An SMTP server that requires STARTTLS, with a certificate from `tls_ca`."""
    return smtp_server_factory("starttls")
