"""The autouse network guard: a test cannot reach a real host, but loopback still works."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from tests.support.network_guard import RealHostRefused


def test_connecting_to_a_real_address_fails_at_once(refuse_real_hosts: list[str]) -> None:
    started = time.monotonic()
    with socket.socket() as sock, pytest.raises(RealHostRefused, match=r"192\.0\.2\.1"):
        sock.settimeout(5)
        sock.connect(("192.0.2.1", 25))
    assert time.monotonic() - started < 0.5
    assert refuse_real_hosts == ["connect to ('192.0.2.1', 25)"]
    refuse_real_hosts.clear()  # refused on purpose: the guard would fail this test


def test_an_asyncio_connection_to_a_real_address_is_refused(refuse_real_hosts: list[str]) -> None:
    async def connect() -> None:
        await asyncio.open_connection("192.0.2.1", 587)

    with pytest.raises(OSError, match="network guard"):
        asyncio.run(asyncio.wait_for(connect(), timeout=2))
    assert refuse_real_hosts
    refuse_real_hosts.clear()


def test_resolving_a_real_name_fails(refuse_real_hosts: list[str]) -> None:
    with pytest.raises(RealHostRefused, match=r"slack\.com"):
        socket.getaddrinfo("slack.com", 443)
    assert refuse_real_hosts == ["look up 'slack.com'"]
    refuse_real_hosts.clear()


def test_loopback_and_localhost_are_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        with socket.create_connection(("localhost", port), timeout=2) as client:
            assert client.getpeername()[1] == port
