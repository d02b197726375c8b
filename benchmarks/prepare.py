"""Pick (or make) the meeting a benchmark reads, in a process of its own: the engine is
chosen once per process from the environment, and each benchmark run has its own
scratch database.

    python benchmarks/prepare.py busiest      # the meeting with the most listings
    python benchmarks/prepare.py agenda 40    # an upcoming meeting with 40 listings

Prints one JSON object: meeting_id, listings, session (a signed-in coordinator's session
token, sent as the loopback cookie: the servers listen on http://127.0.0.1).
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import date
from typing import Any

from panel_service.accounts.actor import SYSTEM
from panel_service.accounts.sessions import start_session
from panel_service.db import fetch, get_engine
from panel_service.meetings.listings import add_listing
from panel_service.meetings.schemas import ListingCreate, VictimVoiceSubmit
from panel_service.meetings.victim_voice import record_victim_voice
from panel_service.panels.schemas import PanelSettingsUpdate, PanelUpdate
from panel_service.panels.services import update_panel


async def busiest() -> int:
    rows = await fetch(
        "SELECT meeting, COUNT(*) AS n FROM listing WHERE outcome IN ({}, {})"
        " GROUP BY meeting ORDER BY n DESC, meeting LIMIT 1",
        "listed",
        "heard",
    )
    return int(rows[0]["meeting"])


async def agenda_of(size: int) -> int:
    """An upcoming meeting filled to ``size`` open cases through the services (synthetic
    meetings hold at most 25), most with a victim's voice."""
    meeting = (
        await fetch(
            "SELECT id, panel FROM meeting WHERE status = {} ORDER BY starts_at LIMIT 1",
            "scheduled",
        )
    )[0]
    await update_panel(
        SYSTEM,
        meeting["panel"],
        PanelUpdate(settings=PanelSettingsUpdate(max_cases_per_meeting=size)),
    )
    listed = {
        r["case"]
        for r in await fetch('SELECT "case" FROM listing WHERE meeting = {}', meeting["id"])
    }
    candidates = await fetch(
        "SELECT id FROM marac_case WHERE panel = {} AND status = {}"
        " ORDER BY referral_date DESC LIMIT {}",
        meeting["panel"],
        "open",
        size * 3,
    )
    for row in [c for c in candidates if c["id"] not in listed][: size - len(listed)]:
        listing = await add_listing(SYSTEM, meeting["id"], ListingCreate(case_id=row["id"]))
        if listing.id % 4:  # most, not all: the agenda shows both
            await record_victim_voice(
                SYSTEM,
                listing.id,
                VictimVoiceSubmit(
                    views="Wants to stay in her home with a police marker.",
                    contact_date=date.today(),
                    contact_means="phone",
                ),
            )
    return int(meeting["id"])


async def main(mode: str, size: int) -> dict[str, Any]:
    """Choose the meeting and sign in a coordinator of its panel."""
    engine = get_engine()
    await engine.start_connection_pool()
    try:
        meeting_id = await (agenda_of(size) if mode == "agenda" else busiest())
        listings = await fetch(
            "SELECT COUNT(*) AS n FROM listing WHERE meeting = {} AND outcome IN ({}, {})",
            meeting_id,
            "listed",
            "heard",
        )
        # A coordinator who runs the meeting's panel: others may not see its agenda.
        user = await fetch(
            'SELECT u.id FROM app_user u JOIN panel_staff s ON s."user" = u.id'
            " JOIN meeting m ON m.panel = s.panel"
            " WHERE m.id = {} AND u.role = {} AND u.active ORDER BY u.id LIMIT 1",
            meeting_id,
            "coordinator",
        )
        token, _ = await start_session(user[0]["id"], verified=True)
        return {"meeting_id": meeting_id, "listings": listings[0]["n"], "session": token}
    finally:
        await engine.close_connection_pool()


if __name__ == "__main__":
    mode = sys.argv[1]
    print(json.dumps(asyncio.run(main(mode, int(sys.argv[2]) if len(sys.argv) > 2 else 0))))
