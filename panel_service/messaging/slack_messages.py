"""Slack messages for the coordination team: counts, meeting dates, opaque case references
and links — never names, dates of birth, addresses or narratives (domain.md §5)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from panel_service import db
from panel_service.accounts.sessions import as_aware
from panel_service.meetings.tables import Meeting
from panel_service.settings import MessagingSettings


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


async def _meeting_line(meeting_id: int) -> tuple[str, int]:
    row = (
        await Meeting.select(
            Meeting.starts_at,
            Meeting.panel.name.as_alias("panel_name"),
            Meeting.panel.timezone.as_alias("timezone"),
        )
        .where(Meeting.id == meeting_id)
        .first()
    )
    if row is None:
        return f"meeting {meeting_id}", 0
    local = as_aware(row["starts_at"]).astimezone(ZoneInfo(row["timezone"]))
    return f"{row['panel_name']} meeting {local:%a %d %b %Y %H:%M}", meeting_id


async def _count(sql: str, *args: Any) -> int:
    rows = await db.fetch(sql, *args)
    return int(rows[0]["n"]) if rows else 0


async def build(row: dict[str, Any], settings: MessagingSettings) -> tuple[str, list[Any]]:
    """The fallback text and the Block Kit blocks for a queued Slack message."""
    kind = row["kind"]
    parameters = row["parameters"]
    link = f"{settings.public_url}/api/meetings/{row['meeting']}" if row["meeting"] else ""
    if kind == "agenda_published":
        line, meeting_id = await _meeting_line(row["meeting"])
        cases = await _count(
            "SELECT COUNT(*) AS n FROM listing WHERE meeting = {} AND outcome = 'listed'",
            meeting_id,
        )
        emails = await _count(
            "SELECT COUNT(*) AS n FROM outbox_message WHERE meeting = {}"
            " AND kind = 'agenda_published' AND channel = 'email'",
            meeting_id,
        )
        text = f"Agenda published: {line}: {cases} listing(s), {emails} agency email(s) queued"
    elif kind == "minutes_circulated":
        line, _ = await _meeting_line(row["meeting"])
        text = f"Minutes circulated (version {parameters.get('version')}): {line}"
    elif kind == "voices_missing":
        line, _ = await _meeting_line(row["meeting"])
        references = ", ".join(parameters["references"])
        text = (
            f"Victim's voice missing for {len(parameters['references'])} case(s) on {line}"
            f" ({parameters['days']} day(s) away): {references}"
        )
    elif kind == "actions_overdue":
        lines = [f"{agency}: {count}" for agency, count in parameters["by_agency"]]
        text = f"Overdue actions by agency ({parameters['panel']}):\n" + "\n".join(lines)
        link = f"{settings.public_url}/api/actions/overdue-by-agency"
    elif kind == "delivery_failed":
        text = (
            f"Email could not be delivered: outbox message {parameters['outbox_id']}"
            f" ({parameters['kind']}), {parameters['reason']}"
        )
        link = f"{settings.public_url}/api/outbox/{parameters['outbox_id']}"
    else:
        raise LookupError(f"no Slack message for {kind}")
    blocks: list[Any] = [_section(text)]
    if link:
        blocks.append(_context(f"<{link}|Open in Panel Service>"))
    return text, blocks
