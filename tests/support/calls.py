"""Run an async service verb on the app's own event loop (where the pool lives)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


def on_app_loop(client: Any, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
    return client.blocking_portal.call(fn, *args)


def ok(response: Any, status: int = 200) -> Any:
    """The JSON body of a response that must have ``status``; shows the body if not."""
    assert response.status_code == status, (response.status_code, response.text)
    return response.json() if response.content else None
