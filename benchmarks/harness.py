"""What the benchmarks share: a scratch database, a server in its own process on
127.0.0.1, and a bounded closed-loop load generator that reports rps and percentiles."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from panel_service.accounts.sessions import LOOPBACK_COOKIE

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
POSTGRES_ADMIN_URL = os.environ.get(
    "PANEL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def scratch_database(kind: str) -> Iterator[dict[str, str]]:
    """An empty, migrated database of ``kind`` (sqlite|postgres); yields its environment."""
    env = {**os.environ, "PICCOLO_CONF": "panel_service.piccolo_conf"}
    work = Path(tempfile.mkdtemp(prefix="panel-bench-"))
    name = f"panel_bench_{uuid.uuid4().hex[:8]}"
    if kind == "postgres":
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        env["DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    else:
        env.pop("DATABASE_URL", None)
        env["PANEL_SQLITE_PATH"] = str(work / "bench.sqlite3")
    try:
        cli(env, "migrate")
        yield env
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if kind == "postgres":
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def cli(env: dict[str, str], *args: str) -> str:
    """Run ``panel-service ARGS`` against the scratch database."""
    done = subprocess.run(
        [str(VENV_BIN / "panel-service"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    return done.stdout.strip()


def prepare(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run ``benchmarks/prepare.py ARGS`` against the scratch database (its own process)."""
    return script(env, "prepare.py", *args)


def script(env: dict[str, str], name: str, *args: str) -> dict[str, Any]:
    """Run ``benchmarks/NAME ARGS`` in its own process with the scratch database's
    environment; returns the JSON object it prints last."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def signed_in(prepared: dict[str, Any]) -> dict[str, str]:
    """Request headers carrying the prepared session (the loopback cookie: plain http)."""
    return {"cookie": f"{LOOPBACK_COOKIE}={prepared['session']}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(env: dict[str, str], factory: str) -> Iterator[str]:
    """``factory`` served by one uvicorn process on 127.0.0.1; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(VENV_BIN / "uvicorn"),
            factory,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{factory} did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def line(self, label: str) -> str:
        return (
            f"{label:<28} {self.rps:8.1f} req/s   p50 {self.p50_ms:6.2f} ms   "
            f"p95 {self.p95_ms:6.2f} ms   p99 {self.p99_ms:6.2f} ms   ({self.requests} requests)"
        )


async def _load(url: str, headers: dict[str, str], seconds: float, concurrency: int) -> Result:
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def one() -> None:
            async with session.get(url) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"{url} answered {response.status}")

        for _ in range(concurrency):  # warm up every connection
            await one()
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                await one()
                latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    q = statistics.quantiles(latencies, n=100)
    return Result(len(latencies), elapsed, q[49] * 1000, q[94] * 1000, q[98] * 1000)


def measure(
    url: str, headers: dict[str, str] | None = None, seconds: float = 10, concurrency: int = 16
) -> Result:
    """Closed-loop load for ``seconds`` from ``concurrency`` clients (bounded by time)."""
    return asyncio.run(_load(url, headers or {}, seconds, concurrency))
