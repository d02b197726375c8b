"""The messaging world: the demo's panels, people and meetings on a fresh database, a real
SMTP server (aiosmtpd) and a dispatcher of the test's own, run on the app's event loop."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.calls import ok, on_app_loop
from tests.support.smtp_server import SmtpServer

# Demo addresses on these domains receive documents; the others get a notice.
SECURE = "police.example,gov.example,nhs.example,justice.example"


@pytest.fixture
def messaging_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set messaging settings for this test (the settings are read once per process)."""
    from panel_service.settings import get_settings

    def setenv(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    setenv(PANEL_SECURE_DOMAINS=SECURE, PANEL_PUBLIC_URL="https://panel.example")
    yield setenv
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def demo(app_client: Any, messaging_env: Any) -> Any:
    """The demo loaded; the client acts as the demo coordinator."""
    from panel_service.demo.loader import load_demo_data
    from tests.support.accounts import act_as

    on_app_loop(app_client, load_demo_data)
    coordinator = on_app_loop(app_client, _user_id, "coordinator@northtown.gov.example")
    act_as(app_client, coordinator)
    return app_client


async def _user_id(email: str) -> int:
    from panel_service.accounts.tables import User

    row = await User.select(User.id).where(User.email == email).first()
    assert row is not None
    return int(row["id"])


def user_id(client: Any, email: str) -> int:
    return on_app_loop(client, _user_id, email)


@dataclasses.dataclass
class Dispatch:
    """Runs a dispatcher pass on the app's loop against ``server``."""

    client: Any
    server: SmtpServer
    chat: Any = None

    def dispatcher(
        self, clock: Any = None, transport: Any = None, batch: int = 20, **overrides: Any
    ) -> Any:
        from panel_service.adapters.smtp import SmtpConfig, SmtpTransport, TransportSecurity
        from panel_service.messaging.dispatcher import Dispatcher
        from panel_service.settings import get_settings

        settings = dataclasses.replace(get_settings().messaging, **overrides)
        transport = transport or SmtpTransport(
            SmtpConfig(
                host=self.server.host,
                port=self.server.port,
                security=TransportSecurity.NONE,
                allow_plaintext=True,
                timeout=5,
            )
        )
        kwargs = {"clock": clock} if clock else {}
        return Dispatcher(settings, transport, self.chat, batch=batch, **kwargs)

    def __call__(self, dispatcher: Any = None) -> Any:
        dispatcher = dispatcher or self.dispatcher()
        return on_app_loop(self.client, dispatcher.run_once)


@pytest.fixture
def dispatch(demo: Any, smtp_server_factory: Callable[..., SmtpServer]) -> Dispatch:
    return Dispatch(demo, smtp_server_factory())


async def _outbox(**filters: Any) -> list[dict[str, Any]]:
    from panel_service.messaging.tables import OutboxMessage

    query = OutboxMessage.select().order_by(OutboxMessage.id)
    for name, value in filters.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return await query


def outbox(client: Any, **filters: Any) -> list[dict[str, Any]]:
    return on_app_loop(client, lambda: _outbox(**filters))


async def _scheduled_meeting() -> dict[str, Any]:
    from panel_service.meetings.tables import Meeting

    rows = await Meeting.select().where(Meeting.status == "scheduled").order_by(Meeting.starts_at)
    return rows[0]


async def _fill_voices(meeting_id: int) -> None:
    from panel_service.accounts.actor import SYSTEM
    from panel_service.meetings.schemas import VictimVoiceSubmit
    from panel_service.meetings.tables import VoiceNotObtainedReason
    from panel_service.meetings.victim_voice import listings_missing_voice, record_victim_voice

    declined = VictimVoiceSubmit(not_obtained_reason=VoiceNotObtainedReason.DECLINED)
    for row in await listings_missing_voice(meeting_id):
        await record_victim_voice(SYSTEM, row["listing_id"], declined)


def next_meeting(client: Any, ready: bool = True) -> dict[str, Any]:
    """The demo's next scheduled meeting; ``ready``: every listed case has a victim's voice
    or a reason, so its agenda can be published."""
    meeting = on_app_loop(client, _scheduled_meeting)
    if ready:
        on_app_loop(client, _fill_voices, meeting["id"])
    return meeting


def publish(client: Any, meeting_id: int) -> Any:
    return ok(client.post(f"/api/meetings/{meeting_id}/publish-agenda"))
