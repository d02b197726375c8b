"""Latency with a large force's ten years loaded, against the demo data, in one run.

    .venv/bin/python benchmarks/large_data_latency.py [--database sqlite|postgres|both]
        [--cases 100000] [--actions 1000000]

For each database: one scratch database gets the demo data, another the synthetic set
(timed: that is the "loads in minutes" figure). Each serves the agenda of its busiest
meeting and the overdue-actions-by-agency report to one client at a time for a fixed
time; the script prints p50/p95 for both data sets and the large/demo ratio of p50.
Target: within 2x.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import (
    Result,
    cli,
    measure,
    prepare,
    scratch_database,
    server,
    signed_in,
)


def latencies(env: dict[str, str], seconds: float) -> dict[str, Result]:
    chosen = prepare(env, "busiest")
    meeting_id = chosen["meeting_id"]
    print(f"  busiest meeting {meeting_id}: {chosen['listings']} listings")
    headers = signed_in(chosen)
    with server(env, "panel_service.app:create_app") as base:
        return {
            "agenda": measure(f"{base}/api/meetings/{meeting_id}/agenda", headers, seconds, 1),
            "overdue by agency": measure(
                f"{base}/api/actions/overdue-by-agency", headers, seconds, 1
            ),
        }


def run(database: str, cases: int, actions: int, seconds: float) -> None:
    with scratch_database(database) as env:
        print(f"[{database}] demo data: {cli(env, 'load-demo').splitlines()[0]}")
        demo = latencies(env, seconds)
    with scratch_database(database) as env:
        started = time.perf_counter()
        summary = cli(env, "load-synthetic", "--cases", str(cases), "--actions", str(actions))
        print(f"[{database}] {summary}")
        print(
            f"[{database}] synthetic load took {time.perf_counter() - started:.0f} s (wall clock)"
        )
        large = latencies(env, seconds)
    for endpoint in demo:
        print(demo[endpoint].line(f"[{database}] {endpoint}, demo"))
        print(large[endpoint].line(f"[{database}] {endpoint}, large"))
        ratio = large[endpoint].p50_ms / demo[endpoint].p50_ms
        verdict = "within" if ratio <= 2 else "OVER"
        print(f"[{database}] {endpoint}: large/demo p50 = {ratio:.2f}x ({verdict} the 2x target)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--actions", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    for database in ("sqlite", "postgres") if args.database == "both" else (args.database,):
        run(database, args.cases, args.actions, args.seconds)


if __name__ == "__main__":
    main()
