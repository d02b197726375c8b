"""Agenda endpoint throughput: the service against a bare baseline, in one run.

    .venv/bin/python benchmarks/agenda_throughput.py [--database sqlite|postgres|both]

For each database: a scratch database gets a synthetic data set; the meeting with the most
listings (40) is read over and over by 16 concurrent clients for a fixed time, first from
the service (``panel_service.app:create_app``) then from the baseline
(``benchmarks/baseline_app.py``: the same SQL and JSON over one aiosqlite connection or an
asyncpg pool), alternating rounds. Prints req/s and p50/p95/p99 and the ratio.
Targets: >= 0.6x the baseline on SQLite, >= 0.8x on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import cli, measure, scratch_database, server

TARGETS = {"sqlite": 0.6, "postgres": 0.8}


def agenda_of(env: dict[str, str], size: int) -> tuple[int, int, int]:
    """An upcoming meeting with ``size`` listings, made through the services on top of the
    synthetic data (whose meetings hold at most 25): (meeting id, listings, coordinator)."""
    os.environ.update(env)
    from panel_service.accounts.actor import SYSTEM
    from panel_service.db import fetch, get_engine
    from panel_service.meetings.listings import add_listing
    from panel_service.meetings.schemas import ListingCreate, VictimVoiceSubmit
    from panel_service.meetings.victim_voice import record_victim_voice
    from panel_service.panels.schemas import PanelSettingsUpdate, PanelUpdate
    from panel_service.panels.services import update_panel

    async def seed() -> tuple[int, int, int]:
        engine = get_engine()
        await engine.start_connection_pool()
        try:
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
            total = await fetch(
                "SELECT COUNT(*) AS n FROM listing WHERE meeting = {} AND outcome = {}",
                meeting["id"],
                "listed",
            )
            user = await fetch(
                "SELECT id FROM app_user WHERE role = {} AND active ORDER BY id LIMIT 1",
                "coordinator",
            )
            return meeting["id"], total[0]["n"], user[0]["id"]
        finally:
            await engine.close_connection_pool()

    return asyncio.run(seed())


def run(database: str, seconds: float, rounds: int, concurrency: int) -> float:
    with scratch_database(database) as env:
        print(cli(env, "load-synthetic", "--cases", "3000", "--actions", "30000"))
        meeting_id, listings, user_id = agenda_of(env, 40)
        path = f"/api/meetings/{meeting_id}/agenda"
        print(f"[{database}] meeting {meeting_id} with {listings} listings; {concurrency} clients")
        service, baseline = [], []
        for _ in range(rounds):
            with server(env, "panel_service.app:create_app") as base:
                service.append(
                    measure(base + path, {"x-panel-user": str(user_id)}, seconds, concurrency)
                )
            with server(env, "benchmarks.baseline_app:create_baseline") as base:
                baseline.append(measure(base + path, None, seconds, concurrency))
        for label, results in (("service", service), ("baseline (bare driver)", baseline)):
            for n, result in enumerate(results, 1):
                print(result.line(f"[{database}] {label} #{n}"))
        ratio = statistics.median(r.rps for r in service) / statistics.median(
            r.rps for r in baseline
        )
        target = TARGETS[database]
        verdict = "meets" if ratio >= target else "MISSES"
        print(f"[{database}] service/baseline = {ratio:.2f}x ({verdict} the {target}x target)")
        return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    for database in ("sqlite", "postgres") if args.database == "both" else (args.database,):
        run(database, args.seconds, args.rounds, args.concurrency)


if __name__ == "__main__":
    main()
