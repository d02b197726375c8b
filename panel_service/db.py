"""Database engines: the choice between SQLite and PostgreSQL, pools, write transactions.

Piccolo's stock ``SQLiteEngine`` opens a new connection for every query, which costs
~6x in throughput here. ``PooledSQLiteEngine`` keeps connections open for the life of
the app: readers (WAL lets them run beside a writer) and one writer, guarded by an
asyncio lock so that writers in this process queue on the event loop instead of spinning
in SQLite's busy handler. Two readers by default: each aiosqlite connection is a thread,
and on two cores four readers lost a third of the agenda's throughput to contention.
Every write transaction is ``BEGIN IMMEDIATE`` so a read-then-write transaction never
fails with "database is locked" under concurrency.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, TypeVar

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import (
    SQLiteEngine,
    SQLiteTransaction,
    TransactionType,
    dict_factory,
)
from piccolo.querystring import QueryString

from panel_service.settings import Settings

_READ_PREFIXES = ("SELECT", "WITH", "PRAGMA TABLE_INFO")


def _is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith(_READ_PREFIXES)


class PooledSQLiteTransaction(SQLiteTransaction):
    """A transaction on a pooled connection: writer (immediate) or reader (deferred)."""

    __slots__ = ("_holds_writer",)

    engine: PooledSQLiteEngine

    async def get_connection(self) -> aiosqlite.Connection:
        self._holds_writer = self.transaction_type != TransactionType.deferred
        if self._holds_writer:
            return await self.engine.acquire_writer()
        return await self.engine.acquire_reader()

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            self.engine.current_transaction.reset(self.context)
            if self._holds_writer:
                self.engine.release_writer()
            else:
                self.engine.release_reader(self.connection)
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    """SQLite with persistent connections, WAL, foreign keys and immediate writes."""

    def __init__(self, path: str, busy_timeout_ms: int = 5000, readers: int = 2) -> None:
        super().__init__(path=path, timeout=busy_timeout_ms / 1000)
        self.busy_timeout_ms = busy_timeout_ms
        self.reader_count = readers
        self.queries_run = 0
        self._readers: asyncio.Queue[aiosqlite.Connection] | None = None
        self._all_readers: list[aiosqlite.Connection] = []
        self._writer: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def _open(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory  # type: ignore[assignment]
        for pragma in (
            f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}",
            "PRAGMA foreign_keys = ON",
            "PRAGMA synchronous = NORMAL",
        ):
            await self._execute(connection, pragma, ())
        return connection

    async def get_connection(self) -> aiosqlite.Connection:
        return await self._open()

    async def start_connection_pool(self, **_: Any) -> None:
        """Open the writer and the readers; switch the file to WAL (it persists)."""
        if self._writer is not None:
            return
        self._write_lock = asyncio.Lock()
        self._writer = await self._open()
        await self._execute(self._writer, "PRAGMA journal_mode = WAL", ())
        self._readers = asyncio.Queue()
        self._all_readers = [await self._open() for _ in range(self.reader_count)]
        for reader in self._all_readers:
            self._readers.put_nowait(reader)

    async def close_connection_pool(self) -> None:
        for connection in [*self._all_readers, *([self._writer] if self._writer else [])]:
            await connection.close()
        self._all_readers = []
        self._readers = None
        self._writer = None

    @property
    def pooled(self) -> bool:
        return self._writer is not None

    async def acquire_writer(self) -> aiosqlite.Connection:
        if self._writer is None:
            return await self._open()
        await self._write_lock.acquire()
        return self._writer

    def release_writer(self) -> None:
        if self._writer is not None:
            self._write_lock.release()

    async def acquire_reader(self) -> aiosqlite.Connection:
        if self._readers is None:
            return await self._open()
        return await self._readers.get()

    def release_reader(self, connection: aiosqlite.Connection) -> None:
        if self._readers is not None:
            self._readers.put_nowait(connection)

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.immediate,
        allow_nested: bool = True,
    ) -> PooledSQLiteTransaction:
        """Immediate by default: a transaction here is almost always a write."""
        return PooledSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def _execute(
        self, connection: aiosqlite.Connection, sql: str, args: Sequence[Any]
    ) -> list[dict[str, Any]]:
        async with connection.execute(sql, args) as cursor:
            return list(await cursor.fetchall())  # type: ignore[arg-type]

    async def run_sql(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run one statement on the right connection: the transaction's, a reader or the writer."""
        self.queries_run += 1
        current = self.current_transaction.get()
        if current is not None:
            return await self._execute(current.connection, sql, args)
        if not self.pooled:
            connection = await self._open()
            try:
                return await self._execute(connection, sql, args)
            finally:
                await connection.close()
        if _is_read(sql):
            reader = await self.acquire_reader()
            try:
                return await self._execute(reader, sql, args)
            finally:
                self.release_reader(reader)
        writer = await self.acquire_writer()
        try:
            return await self._execute(writer, sql, args)
        finally:
            self.release_writer()

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        sql, args = querystring.compile_string(engine_type=self.engine_type)
        return await self.run_sql(sql, args)

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Any:
        return await self.run_sql(ddl)


class CountingPostgresEngine(PostgresEngine):
    """Piccolo's PostgreSQL engine, counting statements (the agenda test reads the count)."""

    def __init__(self, config: dict[str, Any], pool_min: int, pool_max: int) -> None:
        super().__init__(config=config)
        self.pool_min = pool_min
        self.pool_max = pool_max
        self.queries_run = 0

    async def start_connection_pool(self, **kwargs: Any) -> None:
        if self.pool is None:
            await super().start_connection_pool(
                min_size=self.pool_min, max_size=self.pool_max, **kwargs
            )

    async def run_querystring(self, querystring: QueryString, in_pool: bool = True) -> Any:
        self.queries_run += 1
        return await super().run_querystring(querystring, in_pool=in_pool)


def build_engine(settings: Settings) -> Engine:
    """Choose the engine from settings: PostgreSQL if DATABASE_URL says so, else SQLite."""
    if settings.uses_postgres:
        return CountingPostgresEngine(
            config={"dsn": settings.database_url},
            pool_min=settings.postgres_pool_min,
            pool_max=settings.postgres_pool_max,
        )
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return PooledSQLiteEngine(
        path=str(settings.sqlite_path),
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        readers=settings.sqlite_readers,
    )


@cache
def get_engine() -> PooledSQLiteEngine | CountingPostgresEngine:
    """The engine every table uses (Piccolo finds it through ``PICCOLO_CONF``)."""
    from piccolo.engine.finder import engine_finder

    engine = engine_finder()
    assert isinstance(engine, PooledSQLiteEngine | CountingPostgresEngine)
    return engine


T = TypeVar("T")


async def with_pool(action: Callable[[], Awaitable[T]]) -> T:
    """Run ``action`` with the engine's connection pool open for its duration (commands
    and scripts; the app opens it at start-up)."""
    engine = get_engine()
    await engine.start_connection_pool()
    try:
        return await action()
    finally:
        await engine.close_connection_pool()


async def fetch(template: str, *args: Any) -> list[dict[str, Any]]:
    """Run hand-written SQL with Piccolo's ``{}`` placeholders on either database."""
    engine = get_engine()
    rows = await engine.run_querystring(QueryString(template, *args))
    return [dict(row) for row in rows]


_after_commit: ContextVar[list[Callable[[], None]] | None] = ContextVar(
    "after_commit", default=None
)


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """A write transaction: ``BEGIN IMMEDIATE`` on SQLite, a pooled one on PostgreSQL.
    Inside another transaction it joins it. What ``after_commit`` registered runs once the
    outermost transaction has committed (never after a rollback)."""
    engine = get_engine()
    if engine.transaction_exists():
        async with engine.transaction():
            yield
        return
    callbacks: list[Callable[[], None]] = []
    token = _after_commit.set(callbacks)
    try:
        async with engine.transaction():
            yield
    finally:
        _after_commit.reset(token)
    for callback in callbacks:
        callback()


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` when the current transaction commits (e.g. wake the dispatcher: a
    message written in the transaction is visible to it only then)."""
    callbacks = _after_commit.get()
    if callbacks is None:
        raise RuntimeError("after_commit needs a transaction opened with db.transaction()")
    callbacks.append(callback)


def is_integrity_error(exc: BaseException) -> bool:
    """True for a foreign-key or unique violation on either database."""
    import sqlite3

    import asyncpg

    return isinstance(exc, sqlite3.IntegrityError | asyncpg.IntegrityConstraintViolationError)


async def lock_row(table: type[Any], record_id: int) -> None:
    """Serialise writers deciding on one row (e.g. a meeting's capacity).

    PostgreSQL: ``SELECT … FOR UPDATE``. SQLite: nothing to do — the write transaction is
    ``BEGIN IMMEDIATE``, which already excludes every other writer.
    """
    if get_engine().engine_type == "postgres":
        pk = table._meta.primary_key
        await table.select(pk).where(pk == record_id).lock_rows()
