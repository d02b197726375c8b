"""Building a document does not stall other requests: it runs in a worker thread, and the
event loop keeps serving while it does. Shown by order of events, not by timing."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from tests.integration.documents.scenario import marac_meeting
from tests.support.accounts import acting_user_id
from tests.support.calls import on_app_loop


def test_other_work_is_served_while_a_document_is_being_built(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from panel_service import db
    from panel_service.accounts.actor import Actor
    from panel_service.accounts.tables import Role
    from panel_service.documents import services

    world = marac_meeting(client)
    building, release = threading.Event(), threading.Event()
    real_builder = services.build_agenda

    def slow_builder(content: Any, base: Any) -> bytes:
        building.set()
        assert release.wait(timeout=30), "the event loop never got to release the builder"
        return real_builder(content, base)

    monkeypatch.setattr(services, "build_agenda", slow_builder)
    actor = Actor(user_id=acting_user_id(client), label="coordinator", role=Role.COORDINATOR)

    async def scenario() -> list[str]:
        events: list[str] = []
        download = asyncio.create_task(services.agenda_document(actor, world.meeting["id"]))
        while not building.is_set():
            await asyncio.sleep(0.01)
        # The builder is blocked in its thread; the loop still answers a query.
        await db.fetch("SELECT 1 AS one")
        events.append("query answered while building")
        release.set()
        document = await download
        events.append(f"document built ({len(document.content)} bytes)")
        return events

    events = on_app_loop(client, scenario)
    assert events[0] == "query answered while building"
    assert events[1].startswith("document built")
