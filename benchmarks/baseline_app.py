"""The agenda benchmark's baseline: a bare Litestar handler that runs the agenda's very SQL
over one persistent aiosqlite connection (SQLite) or an asyncpg pool (PostgreSQL) and
returns the same JSON, built by the same pure function, and writes the same audit events
(DPA 2018 s62: each case on the agenda has been consulted) with the same statement. No
ORM, no pool of ours, no dependencies, no sign-in, no access rules: what is left when the
service's own machinery is taken away.

Run by ``benchmarks/agenda_throughput.py``:
``uvicorn benchmarks.baseline_app:create_baseline --factory``.
"""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import aiosqlite
import asyncpg
from litestar import Litestar, get
from piccolo.engine.sqlite import dict_factory
from piccolo.querystring import QueryString

from panel_service.accounts.actor import Actor
from panel_service.audit.trail import events_statement
from panel_service.cases.rules import is_serial
from panel_service.meetings.agenda import (
    agenda_statements,
    assemble_agenda,
    consulted,
    perpetrators_of,
)
from panel_service.meetings.schemas import AgendaRead

# Who the audit events name (the service's are the signed-in coordinator).
READER = Actor(user_id=None, label="benchmark reader")
SERIAL_SQL = "SELECT perpetrator, victim, referral_date FROM marac_case WHERE perpetrator IN ({})"


class Driver:
    """One persistent aiosqlite connection, or an asyncpg pool."""

    def __init__(self) -> None:
        self.url = os.environ.get("DATABASE_URL", "")
        self.sqlite: aiosqlite.Connection | None = None
        self.pool: asyncpg.Pool | None = None

    async def start(self) -> None:
        if self.url.startswith("postgres"):
            self.pool = await asyncpg.create_pool(self.url, min_size=2, max_size=10)
            return
        self.sqlite = await aiosqlite.connect(
            os.environ["PANEL_SQLITE_PATH"],
            detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES,
            isolation_level=None,
        )
        self.sqlite.row_factory = dict_factory  # type: ignore[assignment]

    async def stop(self) -> None:
        if self.pool:
            await self.pool.close()
        if self.sqlite:
            await self.sqlite.close()

    async def fetch(self, template: str, *args: Any) -> list[dict[str, Any]]:
        if self.pool is not None:
            sql, values = QueryString(template, *args).compile_string("postgres")
            return [dict(r) for r in await self.pool.fetch(sql, *values)]
        assert self.sqlite is not None
        sql, values = QueryString(template, *args).compile_string("sqlite")
        async with self.sqlite.execute(sql, values) as cursor:
            return list(await cursor.fetchall())  # type: ignore[arg-type]


driver = Driver()


@asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    await driver.start()
    try:
        yield
    finally:
        await driver.stop()


@get("/api/meetings/{meeting_id:int}/agenda")
async def agenda(meeting_id: int) -> AgendaRead:
    (m_sql, m_args), (l_sql, l_args), (a_sql, a_args), (t_sql, t_args) = agenda_statements(
        meeting_id
    )
    meeting = (await driver.fetch(m_sql, *m_args))[0]
    listings = await driver.fetch(l_sql, *l_args)
    actions = await driver.fetch(a_sql, *a_args)
    attendance = await driver.fetch(t_sql, *t_args)
    people = sorted(perpetrators_of(listings))
    cases: dict[int, list[tuple[date, int]]] = defaultdict(list)
    if people:
        placeholders = ", ".join("{}" for _ in people)
        for row in await driver.fetch(SERIAL_SQL.format(placeholders), *people):
            cases[row["perpetrator"]].append((row["referral_date"], row["victim"]))
    serial = {person for person, found in cases.items() if is_serial(found)}
    agenda = assemble_agenda(meeting, listings, actions, attendance, serial, date.today())
    seen = {"meeting_id": meeting_id}
    for record_type, ids in consulted(agenda.items):
        sql, args = events_statement(READER, "viewed_on_agenda", record_type, ids, seen)
        await driver.fetch(sql, *args)
    return agenda


def create_baseline() -> Litestar:
    return Litestar(route_handlers=[agenda], lifespan=[lifespan])
