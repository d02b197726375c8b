"""A meeting's readiness, as the coordination team asks for it (``/panel next`` in Slack):
cases listed, victims' voices in, agencies that have answered their invitation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from panel_service import db
from panel_service.accounts.sessions import as_aware
from panel_service.meetings.tables import MeetingStatus
from panel_service.meetings.victim_voice import listings_missing_voice


@dataclass(frozen=True, slots=True)
class Readiness:
    meeting_id: int
    panel_name: str
    starts: str
    status: str
    listed: int
    voices_in: int
    missing_references: tuple[str, ...]
    agencies_invited: int
    agencies_answered: int


async def next_meetings(now: datetime | None = None) -> list[Readiness]:
    """Each panel's next meeting still to sit, with its readiness."""
    now = now or datetime.now(UTC)
    rows = await db.fetch(
        "SELECT m.id, m.starts_at, m.status, p.name AS panel_name, p.timezone FROM meeting m"
        " JOIN panel p ON p.id = m.panel WHERE m.status IN ({}, {}) AND m.starts_at > {}"
        " AND m.starts_at = (SELECT MIN(n.starts_at) FROM meeting n WHERE n.panel = m.panel"
        " AND n.status IN ({}, {}) AND n.starts_at > {}) ORDER BY m.starts_at",
        *(MeetingStatus.SCHEDULED.value, MeetingStatus.AGENDA_PUBLISHED.value, now) * 2,
    )
    return [await _readiness(row) for row in rows]


async def _readiness(row: dict[str, object]) -> Readiness:
    meeting_id = int(str(row["id"]))
    counts = await db.fetch(
        "SELECT (SELECT COUNT(*) FROM listing WHERE meeting = {} AND outcome = 'listed'"
        " AND kind <> 'actions_review' AND \"case\" IS NOT NULL) AS listed,"
        " (SELECT COUNT(*) FROM attendance WHERE meeting = {} AND agency IS NOT NULL) AS invited,"
        " (SELECT COUNT(*) FROM attendance WHERE meeting = {} AND agency IS NOT NULL"
        " AND status <> 'invited') AS answered",
        meeting_id,
        meeting_id,
        meeting_id,
    )
    missing = await listings_missing_voice(meeting_id)
    listed = int(counts[0]["listed"])
    local = as_aware(row["starts_at"]).astimezone(ZoneInfo(str(row["timezone"])))
    return Readiness(
        meeting_id=meeting_id,
        panel_name=str(row["panel_name"]),
        starts=f"{local:%a %d %b %Y %H:%M}",
        status=str(row["status"]),
        listed=listed,
        voices_in=listed - len(missing),
        missing_references=tuple(r["case_reference"] for r in missing),
        agencies_invited=int(counts[0]["invited"]),
        agencies_answered=int(counts[0]["answered"]),
    )
