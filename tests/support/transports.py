"""A mail transport that runs a hook after each message the relay answers: for tests of what
happens while a dispatcher is part-way through its run (killed, a meeting moved, a message
taken over by another dispatcher)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

# Called with the number of messages answered so far (from 1) and the relay's answer.
Hook = Callable[[int, Any], Awaitable[None]]


class AfterEachSend:
    """Sends through ``real``, then awaits ``hook(count, result)``; what the hook raises
    stops the dispatcher there."""

    def __init__(self, real: Any, hook: Hook) -> None:
        self.real, self.hook, self.count = real, hook, 0

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Any]:
        async with self.real.session() as inner:
            yield _Session(self, inner)


class _Session:
    def __init__(self, transport: AfterEachSend, inner: Any) -> None:
        self.transport, self.inner = transport, inner

    async def send(self, envelope: Any) -> Any:
        result = await self.inner.send(envelope)
        self.transport.count += 1
        await self.transport.hook(self.transport.count, result)
        return result
