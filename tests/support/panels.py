"""Panels for tests."""

from __future__ import annotations

import itertools
from typing import Any

import msgspec

from tests.support.calls import on_app_loop

_counter = itertools.count(1)


def make_panel(
    client: Any,
    kind: str = "marac",
    agency_ids: list[int] | None = None,
    **settings: Any,
) -> Any:
    """A panel sitting every other Thursday 10:00-13:00 Europe/London unless told otherwise,
    made by the system (administrators make panels); the acting coordinator or chair, if
    any, is put on its staff so that the panel is theirs."""
    from panel_service.accounts.actor import SYSTEM
    from panel_service.panels.schemas import PanelCreate
    from panel_service.panels.services import create_panel

    n = next(_counter)
    body = {
        "name": f"Test {kind} panel {n}",
        "kind": kind,
        "area": "Northtown",
        "recurrence_rule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        "first_date": "2026-01-08",
        "start_time": "10:00:00",
        "end_time": "13:00:00",
        "venue": "Civic Centre, Room 4",
        "settings": settings,
        "invited_agency_ids": agency_ids or [],
    }
    panel = on_app_loop(client, create_panel, SYSTEM, msgspec.convert(body, PanelCreate))
    join_staff(client, panel.id)
    return msgspec.to_builtins(panel)


def join_staff(client: Any, panel_id: int) -> None:
    """Put the acting user on the panel's staff, if their role runs panels."""
    from panel_service.accounts.actor import SYSTEM
    from panel_service.panels.schemas import StaffAdd
    from panel_service.panels.services import add_staff

    me = client.get("/api/auth/me")
    if me.status_code == 200 and me.json()["role"] in ("coordinator", "chair"):
        on_app_loop(client, add_staff, SYSTEM, panel_id, StaffAdd(user_id=me.json()["user_id"]))
