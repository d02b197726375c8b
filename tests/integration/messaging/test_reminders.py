"""The reminder sweep: a reminder before the due date, chasers after it, then escalation to
the agency's point of contact — each queued once however often the sweep runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.integration.messaging.conftest import outbox
from tests.support.calls import on_app_loop


async def _open_action(due: date) -> int:
    from panel_service.actions.tables import Action

    await Action.update({Action.status: "completed"}, force=True)
    row = await Action.select(Action.id).order_by(Action.id).first()
    assert row is not None
    await Action.update({Action.status: "open", Action.due_date: due}).where(Action.id == row["id"])
    return int(row["id"])


def _sweep(client: Any, day: date) -> int:
    from panel_service.messaging.reminders import sweep
    from panel_service.settings import get_settings

    moment = datetime.combine(day, time(9), tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)
    return on_app_loop(client, sweep, get_settings().messaging, moment).queued


def _kinds(client: Any) -> list[str]:
    return [row["kind"] for row in outbox(client) if row["kind"].startswith("action_")]


def test_reminder_chasers_and_escalation_each_once(demo: Any) -> None:
    due = date(2027, 3, 10)
    on_app_loop(demo, _open_action, due)
    on_app_loop(demo, _clear_outbox)
    # Three days before: the reminder, once however often the sweep runs.
    _sweep(demo, due - timedelta(days=3))
    _sweep(demo, due - timedelta(days=3))
    assert set(_kinds(demo)) == {"action_reminder"}
    reminders = len(_kinds(demo))
    # The day after: the first chaser; a week on, the second; then escalation.
    _sweep(demo, due + timedelta(days=1))
    _sweep(demo, due + timedelta(days=2))
    assert _kinds(demo).count("action_chaser") == reminders
    _sweep(demo, due + timedelta(days=8))
    assert _kinds(demo).count("action_chaser") == 2 * reminders
    _sweep(demo, due + timedelta(days=15))
    _sweep(demo, due + timedelta(days=16))
    escalations = [r for r in outbox(demo) if r["kind"] == "action_escalation"]
    assert len(escalations) == 1
    assert escalations[0]["recipient"].startswith(("alex.morgan", "jordan.reid", "avery"))
    assert _kinds(demo).count("action_chaser") == 2 * reminders


def test_a_completed_action_is_not_chased(demo: Any) -> None:
    from panel_service.actions.tables import Action

    due = date(2027, 3, 10)
    action_id = on_app_loop(demo, _open_action, due)
    on_app_loop(demo, _clear_outbox)
    on_app_loop(
        demo,
        lambda: Action.update({Action.status: "completed"}).where(Action.id == action_id),
    )
    _sweep(demo, due + timedelta(days=1))
    assert _kinds(demo) == []


async def _clear_outbox() -> None:
    from panel_service.messaging.tables import OutboxMessage

    await OutboxMessage.delete(force=True)
