"""Working-day deadlines skip weekends and the panel nation's bank holidays."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panel_service.panels.tables import Nation
from panel_service.panels.working_days import (
    add_working_days,
    is_working_day,
    working_day_before,
    working_days_between,
)


def test_three_working_days_from_a_thursday_skip_the_weekend() -> None:
    assert add_working_days(date(2026, 3, 12), 3, Nation.ENGLAND) == date(2026, 3, 17)


def test_easter_monday_is_skipped_in_england_but_not_in_scotland() -> None:
    # Easter Monday 2026 is 6 April: a bank holiday in England, not in Scotland.
    assert add_working_days(date(2026, 4, 2), 1, Nation.ENGLAND) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 2), 1, Nation.SCOTLAND) == date(2026, 4, 6)


def test_good_friday_counts_nowhere_in_the_uk() -> None:
    assert not is_working_day(date(2026, 4, 3), Nation.SCOTLAND)
    assert not is_working_day(date(2026, 4, 3), Nation.ENGLAND)


def test_second_of_january_is_a_holiday_only_in_scotland() -> None:
    assert not is_working_day(date(2026, 1, 2), Nation.SCOTLAND)
    assert is_working_day(date(2026, 1, 2), Nation.ENGLAND)


def test_st_patricks_day_is_a_holiday_in_northern_ireland() -> None:
    assert not is_working_day(date(2026, 3, 17), Nation.NORTHERN_IRELAND)
    assert is_working_day(date(2026, 3, 17), Nation.WALES)


def test_christmas_week_deadline_runs_into_the_new_year() -> None:
    # Wed 23 Dec 2026 + 3: Thu 24, (Fri 25 and Mon 28 holidays: Boxing Day is a
    # Saturday so its substitute is Monday 28), Tue 29, Wed 30.
    assert add_working_days(date(2026, 12, 23), 3, Nation.ENGLAND) == date(2026, 12, 30)


def test_counting_working_days_between_two_dates() -> None:
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 9), Nation.ENGLAND) == 3
    assert working_days_between(date(2026, 4, 9), date(2026, 4, 2), Nation.ENGLAND) == 0


def test_zero_days_is_the_same_day_and_negative_is_refused() -> None:
    assert add_working_days(date(2026, 4, 4), 0, Nation.ENGLAND) == date(2026, 4, 4)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 4, 4), -1, Nation.ENGLAND)


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=1, max_value=30),
    nation=st.sampled_from(list(Nation)),
)
def test_a_deadline_is_a_working_day_exactly_that_many_working_days_on(
    start: date, days: int, nation: Nation
) -> None:
    due = add_working_days(start, days, nation)
    assert is_working_day(due, nation)
    assert working_days_between(start, due, nation) == days


def test_the_research_deadline_skips_a_weekend_and_a_bank_holiday() -> None:
    # Tuesday 29 December 2026 follows the Christmas and Boxing Day bank holidays (in
    # lieu on Fri 25 and Mon 28): the working day before is Thursday 24 December.
    assert working_day_before(date(2026, 12, 29), Nation.ENGLAND) == date(2026, 12, 24)
    assert working_day_before(date(2026, 11, 24), Nation.ENGLAND) == date(2026, 11, 23)
