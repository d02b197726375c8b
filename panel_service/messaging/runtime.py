"""Running the dispatcher: its transports built from settings, inside the server process
(the app's lifespan) or as the ``worker`` command."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

from litestar import Litestar

from panel_service.adapters.slack import SlackTransport
from panel_service.adapters.smtp import SmtpConfig, SmtpTransport, TransportSecurity
from panel_service.messaging.dispatcher import Dispatcher
from panel_service.messaging.reminders import sweep
from panel_service.settings import MessagingSettings, get_settings


def smtp_config(settings: MessagingSettings) -> SmtpConfig:
    """The relay from settings (refuses clear text unless development allows it)."""
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=TransportSecurity(settings.smtp_security),
        username=settings.smtp_username,
        password=settings.smtp_password,
        ca_file=Path(settings.smtp_ca_file) if settings.smtp_ca_file else None,
        allow_plaintext=settings.smtp_allow_plaintext,
    )


def build_dispatcher(settings: MessagingSettings) -> Dispatcher:
    chat = (
        SlackTransport(settings.slack_token, base_url=settings.slack_base_url)
        if settings.slack_enabled
        else None
    )
    return Dispatcher(settings, SmtpTransport(smtp_config(settings)), chat)


async def run_dispatcher(settings: MessagingSettings, stop: asyncio.Event) -> None:
    """Send and remind until ``stop`` is set."""

    async def remind(now: datetime) -> None:
        await sweep(settings, now)

    await build_dispatcher(settings).run(stop, remind)


@contextlib.asynccontextmanager
async def dispatcher_in_process(_: Litestar) -> AsyncIterator[None]:
    """The server's own dispatcher (``PANEL_DISPATCHER=0`` when a ``worker`` runs instead)."""
    settings = get_settings().messaging
    if not settings.dispatcher:
        yield
        return
    smtp_config(settings)  # a refused configuration stops the server at start
    stop = asyncio.Event()
    task = asyncio.create_task(run_dispatcher(settings, stop))
    try:
        yield
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=10)
