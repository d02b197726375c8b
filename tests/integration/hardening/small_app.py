"""A small app with the real hardening and error handlers around test-only handlers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from litestar import Litestar

from panel_service.errors import EXCEPTION_HANDLERS
from panel_service.http_security import http_security
from panel_service.settings import read_settings


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def hardened_app(
    route_handlers: Sequence[Any],
    clock: Callable[[], float] | None = None,
    debug: bool = False,
    **settings: Any,
) -> Litestar:
    """``route_handlers`` behind http_security built from settings with ``settings`` changed."""
    security = http_security(
        dataclasses.replace(read_settings(), **settings), clock=clock or FakeClock()
    )
    return Litestar(
        route_handlers=list(route_handlers),
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=security.middleware,
        before_send=security.before_send,
        debug=debug,
    )
