"""Panels for tests."""

from __future__ import annotations

import itertools
from typing import Any

from tests.support.calls import ok

_counter = itertools.count(1)


def make_panel(
    client: Any,
    kind: str = "marac",
    agency_ids: list[int] | None = None,
    **settings: Any,
) -> Any:
    """A panel sitting every other Thursday 10:00-13:00 Europe/London unless told otherwise."""
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
    return ok(client.post("/api/panels", json=body), 201)
