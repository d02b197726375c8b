"""Working days: weekends and the panel nation's bank holidays do not count."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

from panel_service.panels.tables import Nation


@cache
def _bank_holidays(nation: Nation) -> holidays.HolidayBase:
    # Years are filled in lazily by the library as dates are looked up.
    return holidays.country_holidays("GB", subdiv=nation.value)


def is_working_day(day: date, nation: Nation) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(nation)


def add_working_days(start: date, days: int, nation: Nation) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, nation):
            remaining -= 1
    return current


def working_day_before(day: date, nation: Nation) -> date:
    """The last working day before ``day``."""
    current = day - timedelta(days=1)
    while not is_working_day(current, nation):
        current -= timedelta(days=1)
    return current


def working_days_between(start: date, end: date, nation: Nation) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, nation):
            count += 1
    return count
