"""The reminder sweep looks at bounded windows only, so its work does not grow with the
backlog: actions due within ``action_reminder_days`` (reminder); actions overdue by at most
``(chasers_before_escalation + 1) * chaser_every_days + 1`` days (chasers, escalation);
meetings starting in less than ``voice_reminder_days`` days (victims' voices). Just inside
each bound something is queued; just outside, nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.integration.messaging.conftest import outbox
from tests.support.calls import on_app_loop
from tests.support.reminder_sweeps import (
    LONDON,
    london,
    only_open,
    reminder_keys,
    scheduled_meetings,
    sweep_at,
)


def _actions_in(client: Any, kind: str) -> list[int]:
    ids: list[int] = []
    for row in outbox(client, kind=kind):
        parameters = row["parameters"]
        ids += (json.loads(parameters) if isinstance(parameters, str) else parameters)["actions"]
    return ids


def _today() -> date:
    return datetime.now(UTC).astimezone(LONDON).date()


def test_an_action_is_reminded_within_the_reminder_days_and_not_before(dispatch: Any) -> None:
    client = dispatch.client
    today = _today()
    days = 3  # PANEL_ACTION_REMINDER_DAYS
    inside, outside = on_app_loop(
        client, only_open, [today + timedelta(days=days), today + timedelta(days=days + 1)]
    )
    sweep_at(client, london(today))
    reminded = _actions_in(client, "action_reminder")
    assert inside in reminded
    assert outside not in reminded
    assert f"action-reminder:{outside}" not in reminder_keys(client)
    # A day later the other one is inside the window too.
    sweep_at(client, london(today + timedelta(days=1)))
    assert _actions_in(client, "action_reminder").count(outside) >= 1


def test_chasers_and_escalation_look_back_a_bounded_number_of_days(dispatch: Any) -> None:
    client = dispatch.client
    today = _today()
    window = (2 + 1) * 7 + 1  # (chasers before escalation + 1) * chaser every days + 1
    inside, outside = on_app_loop(
        client,
        only_open,
        [today - timedelta(days=window), today - timedelta(days=window + 1)],
    )
    sweep_at(client, london(today))
    assert _actions_in(client, "action_escalation") == [inside]
    assert _actions_in(client, "action_chaser") == []
    keys = reminder_keys(client)
    assert f"action-escalation:{inside}" in keys
    assert not [key for key in keys if key.startswith(f"action-escalation:{outside}")]
    assert not [key for key in keys if key.startswith(f"action-chaser:{outside}:")]


def test_voices_are_looked_at_only_for_meetings_within_the_reminder_days(dispatch: Any) -> None:
    client = dispatch.client
    meeting = scheduled_meetings(client)[0]
    starts = meeting["starts_at"]
    # Already started, five days and a minute before, five days before: nothing.
    sweep_at(client, starts + timedelta(minutes=1))
    sweep_at(client, starts - timedelta(days=5, minutes=1))
    sweep_at(client, starts - timedelta(days=5))
    assert outbox(client, kind="voice_reminder") == []
    assert not [key for key in reminder_keys(client) if key.startswith("voice-reminder:")]
    # Four days and 23 hours before: the reminders.
    sweep_at(client, starts - timedelta(days=4, hours=23))
    reminders = outbox(client, kind="voice_reminder")
    assert reminders and {row["meeting"] for row in reminders} == {meeting["id"]}
