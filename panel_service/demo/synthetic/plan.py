"""What the generators share: the random source, the calendar, ids, and rows for one table."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from piccolo.columns import Column
from piccolo.table import Table

YEARS = 10
# Meetings are scheduled this far ahead of the last day, so upcoming agendas exist.
HORIZON = timedelta(weeks=6)


@dataclass(frozen=True)
class Rows:
    """Rows for one table, as tuples in the order of ``columns``; ``rows`` may be lazy."""

    table: type[Table]
    columns: tuple[Column, ...]
    rows: Iterable[tuple[Any, ...]]


@dataclass
class Context:
    """The random sources, the period covered, and the next free id of each table.

    Rows carry explicit ids so that children can name their parents without reading
    anything back from the database.
    """

    seed: int
    today: date
    next_ids: dict[type[Table], int]

    def __post_init__(self) -> None:
        self.rng = self.stream("plan")

    def stream(self, name: str) -> random.Random:
        """An independent random source: rows generated lazily stay the same whatever
        order their tables are consumed in."""
        return random.Random(f"{self.seed}/{name}")  # noqa: S311 (fiction, not secrets)

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=365 * YEARS + YEARS // 4)

    @property
    def set_up_at(self) -> datetime:
        """When the agencies, staff and panels were set up: before the first meeting."""
        return at(self.first_day - timedelta(days=60), 9)

    def ids(self, table: type[Table], count: int) -> range:
        first = self.next_ids[table]
        self.next_ids[table] = first + count
        return range(first, first + count)

    def numbered(self, table: type[Table], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """``rows`` with a fresh id of ``table`` in front of each."""
        return [(i, *row) for i, row in zip(self.ids(table, len(rows)), rows, strict=True)]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment in UTC (how both databases store ``Timestamptz``)."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)
