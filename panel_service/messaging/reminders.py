"""The reminder sweep: run by the dispatcher every quarter of an hour, it queues what has
fallen due since, each once (``ReminderSent`` keeps the keys):

- an action's reminder a few days before it is due, then after the due date a chaser every
  so many days, and after a set number of chasers an escalation to the agency's point of
  contact, or to the panel's coordinators when the agency has none on record; one that
  would reach nobody is left for a later sweep (``PANEL_ACTION_REMINDER_DAYS``,
  ``PANEL_CHASER_EVERY_DAYS``, ``PANEL_CHASERS_BEFORE_ESCALATION``);
- the IDVA's reminder for each listed case with neither a victim's voice nor a reason,
  some days before the meeting, and a warning to the coordination team on Slack;
- once a day, overdue actions by agency for each panel, on Slack.

Each agency's people get one email per kind of reminder, listing its actions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from panel_service import db
from panel_service.actions.tables import Action, ActionStatus
from panel_service.meetings.tables import Meeting, MeetingStatus
from panel_service.meetings.victim_voice import listings_missing_voice
from panel_service.messaging.flows import action_emails
from panel_service.messaging.outbox import Outgoing, email_to, enqueue, slack_message
from panel_service.messaging.recipients import panel_coordinators, points_of_contact, users
from panel_service.settings import MessagingSettings

ZONE = ZoneInfo("Europe/London")
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class SweepResult:
    queued: int


async def _first_time(keys: list[str], now: datetime) -> set[str]:
    """Record ``keys``; those not recorded before (call inside a transaction)."""
    new: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        values = ", ".join("({}, {})" for _ in chunk)
        rows = await db.fetch(
            f"INSERT INTO reminder_sent (key, created_at) VALUES {values}"  # noqa: S608
            " ON CONFLICT (key) DO NOTHING RETURNING key",
            *[value for key in chunk for value in (key, now)],
        )
        new |= {row["key"] for row in rows}
    return new


async def _open_actions(where: Any) -> list[dict[str, Any]]:
    return await Action.select(
        Action.id, Action.agency, Action.owner, Action.panel, Action.due_date
    ).where((Action.status == ActionStatus.OPEN.value) & where)


async def _action_reminders(
    settings: MessagingSettings, now: datetime, today: date
) -> list[Outgoing | None]:
    soon = await _open_actions(
        (Action.due_date >= today)
        & (Action.due_date <= today + timedelta(days=settings.action_reminder_days))
    )
    new = await _first_time([f"action-reminder:{r['id']}" for r in soon], now)
    due = [r for r in soon if f"action-reminder:{r['id']}" in new]
    return await action_emails("action_reminder", due)


def _chaser_number(due_date: date, today: date, every: int) -> int:
    """Which chaser is due today: the first the day after the due date, then every
    ``every`` days (0: not overdue)."""
    overdue = (today - due_date).days
    return 0 if overdue < 1 else (overdue - 1) // max(every, 1) + 1


async def _chasers(
    settings: MessagingSettings, now: datetime, today: date
) -> list[Outgoing | None]:
    # Past the last chaser an action is escalated and left to the overdue report: older
    # actions are not looked at again, so the sweep's work does not grow with the backlog.
    window = (settings.chasers_before_escalation + 1) * settings.chaser_every_days + 1
    overdue = await _open_actions(
        (Action.due_date < today) & (Action.due_date >= today - timedelta(days=window))
    )
    numbers = {
        r["id"]: _chaser_number(r["due_date"], today, settings.chaser_every_days) for r in overdue
    }
    escalate_after = settings.chasers_before_escalation
    chase_keys = {
        r["id"]: f"action-chaser:{r['id']}:{numbers[r['id']]}"
        for r in overdue
        if numbers[r["id"]] <= escalate_after
    }
    escalating = [r for r in overdue if numbers[r["id"]] > escalate_after]
    contacts = await points_of_contact(sorted({r["agency"] for r in escalating}))
    coordinators = await panel_coordinators(sorted({r["panel"] for r in escalating}))
    # Only an escalation that reaches someone counts as done: one for an agency with no
    # point of contact, on a panel with no active coordinator, is tried by the next sweep.
    escalate_keys = {
        r["id"]: f"action-escalation:{r['id']}"
        for r in escalating
        if r["agency"] in contacts or coordinators.get(r["panel"])
    }
    new = await _first_time([*chase_keys.values(), *escalate_keys.values()], now)
    chased = [r for r in overdue if chase_keys.get(r["id"]) in new]
    escalated = [r for r in overdue if escalate_keys.get(r["id"]) in new]
    messages = await action_emails("action_chaser", chased)
    grouped: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row in escalated:
        grouped[(row["panel"], row["agency"])].append(row["id"])
    for (panel_id, agency_id), ids in grouped.items():
        # An agency with no point of contact on record: the panel's coordinators chase it.
        to = [contacts[agency_id]] if agency_id in contacts else coordinators[panel_id]
        messages += [
            email_to(
                "action_escalation",
                replace(person, agency_id=agency_id),
                panel_id=panel_id,
                parameters={"actions": ids, "no_contact": agency_id not in contacts},
            )
            for person in to
        ]
    return messages


async def _voice_reminders(settings: MessagingSettings, now: datetime) -> list[Outgoing | None]:
    horizon = now + timedelta(days=max(settings.voice_reminder_days, settings.voice_warning_days))
    meetings = await Meeting.select(Meeting.id, Meeting.panel, Meeting.starts_at).where(
        Meeting.status.is_in([MeetingStatus.SCHEDULED.value, MeetingStatus.AGENDA_PUBLISHED.value])
        & (Meeting.starts_at > now)
        & (Meeting.starts_at <= horizon)
    )
    messages: list[Outgoing | None] = []
    slack_enabled = settings.slack_enabled
    for meeting in meetings:
        missing = await listings_missing_voice(meeting["id"])
        if not missing:
            continue
        days = (meeting["starts_at"] - now).days
        context = {"panel_id": meeting["panel"], "meeting_id": meeting["id"]}
        if days < settings.voice_reminder_days:
            messages += await _remind_idvas(missing, context, now)
        if (
            days < settings.voice_warning_days
            and slack_enabled
            and await _first_time([f"slack-voices:{meeting['id']}"], now)
        ):
            references = [row["case_reference"] for row in missing]
            messages.append(
                slack_message(
                    "voices_missing",
                    parameters={"references": references, "days": days},
                    **context,
                )
            )
    return messages


async def _remind_idvas(
    missing: list[dict[str, Any]], context: dict[str, Any], now: datetime
) -> list[Outgoing | None]:
    people = await users(sorted({row["idva_id"] for row in missing if row["idva_id"]}))
    # Only a listing whose case has an active IDVA counts as reminded: one assigned later
    # is reminded by a later sweep.
    reachable = [row for row in missing if row["idva_id"] in people]
    new = await _first_time([f"voice-reminder:{row['listing_id']}" for row in reachable], now)
    by_idva: dict[int, list[str]] = defaultdict(list)
    for row in reachable:
        if f"voice-reminder:{row['listing_id']}" in new:
            by_idva[row["idva_id"]].append(row["case_reference"])
    return [
        email_to("voice_reminder", people[idva], parameters={"references": refs}, **context)
        for idva, refs in by_idva.items()
    ]


async def _overdue_digest(
    settings: MessagingSettings, now: datetime, today: date
) -> list[Outgoing | None]:
    if not settings.slack_enabled or not await _first_time([f"slack-overdue:{today}"], now):
        return []
    rows = await db.fetch(
        "SELECT p.id AS panel, p.name AS panel_name, g.name AS agency, COUNT(*) AS n"
        " FROM action a JOIN agency g ON g.id = a.agency JOIN panel p ON p.id = a.panel"
        " WHERE a.status = 'open' AND a.due_date < {}"
        " GROUP BY p.id, p.name, g.name ORDER BY p.id, n DESC",
        today,
    )
    by_panel: dict[tuple[int, str], list[tuple[str, int]]] = defaultdict(list)
    for row in rows:
        by_panel[(row["panel"], row["panel_name"])].append((row["agency"], int(row["n"])))
    return [
        slack_message(
            "actions_overdue",
            panel_id=panel_id,
            parameters={"panel": name, "by_agency": counts},
        )
        for (panel_id, name), counts in by_panel.items()
    ]


async def sweep(settings: MessagingSettings, now: datetime) -> SweepResult:
    """Queue every reminder due at ``now`` that was not queued before (one transaction)."""
    today = now.astimezone(ZONE).date()
    async with db.transaction():
        messages = [
            *await _action_reminders(settings, now, today),
            *await _chasers(settings, now, today),
            *await _voice_reminders(settings, now),
            *await _overdue_digest(settings, now, today),
        ]
        queued = await enqueue(messages)
    return SweepResult(queued)
