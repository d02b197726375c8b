"""No test may reach a real host: only loopback addresses and Unix sockets are allowed.

The refusal is an OSError, so code under test sees an unreachable peer (and, say, an SMTP
adapter answers RETRY); the attempt is also recorded and fails the test at teardown, so a
test cannot pass by quietly swallowing it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

# Names the suite itself uses: Litestar's test client and loopback.
ALLOWED_NAMES = frozenset({"localhost", "localhost.", "testserver", "testserver.local"})


class RealHostRefused(OSError):
    """A test tried to reach something other than this machine."""


def _is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _name(host: Any) -> str:
    return host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)


def _connect_allowed(address: Any) -> bool:
    if isinstance(address, str | bytes):  # a Unix socket path
        return True
    if isinstance(address, tuple) and address:
        return _is_loopback(_name(address[0]))
    return False


@pytest.fixture(autouse=True)
def refuse_real_hosts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse connections and name lookups beyond loopback; yields the refused attempts.

    A test that provokes a refusal on purpose clears the list before it ends.
    """
    refused: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def refuse(what: str) -> RealHostRefused:
        refused.append(what)
        return RealHostRefused(f"network guard: tests may not reach real hosts ({what})")

    def connect(self: socket.socket, address: Any) -> None:
        if not _connect_allowed(address):
            raise refuse(f"connect to {address!r}")
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _connect_allowed(address):
            raise refuse(f"connect to {address!r}")
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and host != "":
            name = _name(host).lower()
            if name not in ALLOWED_NAMES and not _is_loopback(name):
                raise refuse(f"look up {name!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield refused
    if refused:
        pytest.fail(f"the test tried to reach real hosts: {refused}", pytrace=False)
