"""Writing many rows fast: COPY on PostgreSQL, ``executemany`` on SQLite.

Rows go in chunks, each in its own write transaction (``BEGIN IMMEDIATE`` on SQLite's
one writer connection), so no transaction, WAL or buffer grows with the size of the
load. Constraints stay on: every foreign key, NOT NULL, unique index and trigger is
checked as the rows arrive.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from itertools import islice
from typing import Any

from piccolo.table import Table

from panel_service.db import CountingPostgresEngine, PooledSQLiteEngine, fetch
from panel_service.demo.synthetic.plan import Rows

CHUNK_ROWS = 50_000


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


class BulkWriter(ABC):
    def __init__(self, engine: PooledSQLiteEngine | CountingPostgresEngine) -> None:
        self.engine = engine

    async def first_free_ids(self, tables: Iterable[type[Table]]) -> dict[type[Table], int]:
        """The id after the highest of each table: loaded rows go after what is there."""
        free = {}
        for table in tables:
            name = table._meta.tablename
            sql = f'SELECT COALESCE(MAX(id), 0) + 1 AS free FROM "{name}"'  # noqa: S608 (our table names)
            free[table] = int((await fetch(sql))[0]["free"])
        return free

    async def write(self, rows: Rows) -> int:
        """Insert every row, a chunk a transaction; returns how many were written."""
        table = rows.table._meta.tablename
        columns = [column._meta.db_column_name for column in rows.columns]
        written = 0
        remaining = iter(rows.rows)
        while chunk := list(islice(remaining, CHUNK_ROWS)):
            async with self.engine.transaction() as transaction:
                await self.insert(transaction.connection, table, columns, chunk)
            written += len(chunk)
        return written

    @abstractmethod
    async def insert(
        self, connection: Any, table: str, columns: list[str], chunk: list[tuple[Any, ...]]
    ) -> None: ...

    @abstractmethod
    async def finish(self, tables: list[type[Table]]) -> None:
        """Leave the database ready for the app after rows were written with explicit ids."""


class SQLiteBulkWriter(BulkWriter):
    async def insert(
        self, connection: Any, table: str, columns: list[str], chunk: list[tuple[Any, ...]]
    ) -> None:
        placeholders = ", ".join("?" * len(columns))
        sql = f'INSERT INTO "{table}" ({_quoted(columns)}) VALUES ({placeholders})'  # noqa: S608 (our table names)
        cursor = await connection.executemany(sql, chunk)
        await cursor.close()

    async def finish(self, tables: list[type[Table]]) -> None:
        # Statistics let the planner choose well at this size. A full ANALYZE takes about a
        # second for 1,000,000 actions; a 1,000-row sample misjudged how many actions are
        # open and sent the coordinators' overdue report through every open action
        # (13 ms against 0.9 ms).
        async with self.engine.transaction() as transaction:
            await transaction.connection.execute("PRAGMA analysis_limit = 0")
            await transaction.connection.execute("ANALYZE")


class PostgresBulkWriter(BulkWriter):
    async def insert(
        self, connection: Any, table: str, columns: list[str], chunk: list[tuple[Any, ...]]
    ) -> None:
        await connection.copy_records_to_table(table, records=chunk, columns=columns)

    async def finish(self, tables: list[type[Table]]) -> None:
        names = [table._meta.tablename for table in tables]
        # Explicit ids leave the sequences behind: the app's next insert would collide.
        for name in names:
            await fetch(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "  # noqa: S608 (our table names)
                f'(SELECT MAX(id) FROM "{name}"))'
            )
        # Statistics and the visibility map now rather than whenever autovacuum gets to
        # it: without the map, index-only scans fetch every heap row (the overdue report
        # measured 53 ms before VACUUM, 7 ms after).
        await fetch(f"VACUUM (ANALYZE) {_quoted(names)}")


def bulk_writer(engine: PooledSQLiteEngine | CountingPostgresEngine) -> BulkWriter:
    if isinstance(engine, CountingPostgresEngine):
        return PostgresBulkWriter(engine)
    return SQLiteBulkWriter(engine)
