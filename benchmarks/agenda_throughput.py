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
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import cli, measure, prepare, scratch_database, server, signed_in

TARGETS = {"sqlite": 0.6, "postgres": 0.8}


def run(database: str, seconds: float, rounds: int, concurrency: int) -> float:
    with scratch_database(database) as env:
        print(cli(env, "load-synthetic", "--cases", "3000", "--actions", "30000"))
        chosen = prepare(env, "agenda", "40")
        meeting_id, listings = chosen["meeting_id"], chosen["listings"]
        path = f"/api/meetings/{meeting_id}/agenda"
        print(f"[{database}] meeting {meeting_id} with {listings} listings; {concurrency} clients")
        service, baseline = [], []
        for _ in range(rounds):
            with server(env, "panel_service.app:create_app") as base:
                service.append(measure(base + path, signed_in(chosen), seconds, concurrency))
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
