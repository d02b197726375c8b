"""A panel's schedule keeps local wall-clock times across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from panel_service.errors import Invalid
from panel_service.panels.schedule import occurrences

LONDON = ZoneInfo("Europe/London")


def test_fortnightly_thursday_sittings_stay_at_ten_across_the_clock_change() -> None:
    sittings = occurrences(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        date(2026, 1, 8),
        time(10),
        time(13),
        "Europe/London",
        after=datetime(2026, 3, 10, tzinfo=UTC),
        limit=3,
    )
    starts = [s for s, _ in sittings]
    assert [s.date() for s in starts] == [date(2026, 3, 19), date(2026, 4, 2), date(2026, 4, 16)]
    assert all(s.astimezone(LONDON).hour == 10 for s in starts)
    # 19 March is GMT (10:00Z), 2 April is BST (09:00Z): the UTC instant moves.
    assert [s.astimezone(UTC).hour for s in starts] == [10, 9, 9]
    assert sittings[0][1] == datetime(2026, 3, 19, 13, tzinfo=LONDON)


def test_an_invalid_rule_is_refused_naming_the_field() -> None:
    with pytest.raises(Invalid) as caught:
        occurrences(
            "FREQ=SOMETIMES",
            date(2026, 1, 8),
            time(10),
            time(13),
            "Europe/London",
            after=datetime(2026, 1, 1, tzinfo=UTC),
        )
    assert caught.value.field == "recurrence_rule"


def test_an_unknown_zone_is_refused_naming_the_field() -> None:
    with pytest.raises(Invalid) as caught:
        occurrences(
            "FREQ=WEEKLY",
            date(2026, 1, 8),
            time(10),
            time(13),
            "Mars/Olympus",
            after=datetime(2026, 1, 1, tzinfo=UTC),
        )
    assert caught.value.field == "timezone"
