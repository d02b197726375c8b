"""The reminder sweep at a chosen moment, and the demo's meetings and cases it looks at."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from tests.support.calls import on_app_loop

LONDON = ZoneInfo("Europe/London")


def london(day: date, at: time = time(9)) -> datetime:
    """``at`` o'clock UK time on ``day``, in UTC (the sweep is given UTC moments)."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def sweep_at(client: Any, moment: datetime) -> int:
    """Run the reminder sweep as the dispatcher would at ``moment``; how many it queued."""
    from panel_service.messaging.reminders import sweep
    from panel_service.settings import get_settings

    result = on_app_loop(client, sweep, get_settings().messaging, moment)
    return int(result.queued)


async def only_open(dues: list[date]) -> list[int]:
    """Every demo action closed but the first ``len(dues)``, reopened due on ``dues``."""
    from panel_service.actions.tables import Action

    await Action.update({Action.status: "completed"}, force=True)
    rows = await Action.select(Action.id).order_by(Action.id).limit(len(dues))
    for row, due in zip(rows, dues, strict=True):
        await Action.update({Action.status: "open", Action.due_date: due}).where(
            Action.id == row["id"]
        )
    return [int(row["id"]) for row in rows]


async def _scheduled(kind: str) -> list[dict[str, Any]]:
    from panel_service.meetings.tables import Meeting

    return (
        await Meeting.select(*Meeting.all_columns(), Meeting.panel.name.as_alias("panel_name"))
        .where((Meeting.status == "scheduled") & (Meeting.panel.kind == kind))
        .order_by(Meeting.starts_at)
    )


def scheduled_meetings(client: Any, kind: str = "marac") -> list[dict[str, Any]]:
    """The scheduled meetings of the panels of ``kind`` (marac, perpetrator_panel), soonest
    first, with their panel's name."""
    return on_app_loop(client, _scheduled, kind)


async def _cases_of_meeting(meeting_id: int) -> list[dict[str, Any]]:
    """The meeting's listed cases: listing, case id, reference, IDVA's email, and whether a
    victim's voice (or a reason) is recorded."""
    from panel_service import db

    return await db.fetch(
        "SELECT l.id AS listing_id, c.id AS case_id, c.reference, u.email AS idva,"
        " v.id IS NOT NULL AS has_voice, v.not_obtained_reason AS reason"
        ' FROM listing l JOIN marac_case c ON c.id = l."case"'
        " LEFT JOIN app_user u ON u.id = c.assigned_idva"
        " LEFT JOIN victim_voice v ON v.listing = l.id"
        " WHERE l.meeting = {} AND l.outcome = 'listed' AND l.kind <> 'actions_review'"
        " ORDER BY l.id",
        meeting_id,
    )


def cases_of_meeting(client: Any, meeting_id: int) -> list[dict[str, Any]]:
    return on_app_loop(client, _cases_of_meeting, meeting_id)


async def _reminder_keys() -> set[str]:
    from panel_service.messaging.tables import ReminderSent

    return {row["key"] for row in await ReminderSent.select(ReminderSent.key)}


def reminder_keys(client: Any) -> set[str]:
    """The keys of every reminder the sweep has recorded as queued."""
    return on_app_loop(client, _reminder_keys)
