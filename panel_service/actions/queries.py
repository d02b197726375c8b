"""Reading actions: one with its history, filtered lists, and the overdue count by agency.

"Overdue" means still open with a due date before today; ``today`` is a parameter so that
the boundary can be tested on a fixed day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.actions.schemas import (
    ActionDetail,
    ActionFilters,
    ActionRead,
    AgencyOverdue,
)
from panel_service.actions.tables import Action, ActionStatus, ActionStatusChange
from panel_service.audit.trail import record_event
from panel_service.errors import NotFound
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.records import to_struct

# One grouped statement, answered from the indexes action(agency, status, due_date) and
# action(status, due_date).
# Per agency, three range reads of the covering index action(agency, status, due_date):
# overdue, not yet due, and the oldest overdue date. Counting ranges per agency reads each
# open action's index entry once, instead of aggregating every open row (measured on a
# large force's 15,000 open actions: 1.5 ms against 5 ms). The status is a literal: a
# constant, and what lets the planner use the index ranges. {scope} narrows the actions to
# one panel when asked. This form serves the unrestricted (system) caller.
_OPEN = 'FROM "action" WHERE "action"."agency" = ag.id AND "action"."status" = \'open\''
_OVERDUE_BY_AGENCY = (
    # MATERIALIZED: PostgreSQL would otherwise run each subquery again for the filter.
    "WITH counted AS MATERIALIZED (SELECT ag.id AS agency_id, ag.name AS agency_name,"
    ' (SELECT COUNT(*) {open} AND "action"."due_date" < {{}}{scope}) AS overdue,'
    ' (SELECT COUNT(*) {open} AND "action"."due_date" >= {{}}{scope}) AS not_yet_due,'
    ' (SELECT MIN("action"."due_date") {open} AND "action"."due_date" < {{}}{scope})'
    " AS oldest_overdue_due_date"
    " FROM agency ag)"
    ' SELECT agency_id, agency_name, overdue + not_yet_due AS "open", overdue,'
    " oldest_overdue_due_date FROM counted WHERE overdue + not_yet_due > 0"
    " ORDER BY overdue DESC, oldest_overdue_due_date, agency_name, agency_id"
)
_ON_PANEL = (
    ' AND "action"."listing" IN (SELECT l.id FROM listing l JOIN meeting m ON m.id = l.meeting'
    " WHERE m.panel = {})"
)


# For a caller who sees some actions only: each way they see actions (panel_service.access
# ``action_sources``: "the action's panel is one they run", "its agency is theirs") is one
# branch driven by that column's own index, and the branches are united, so an action seen
# two ways counts once. One OR inside the per-agency form above read every open action's
# row instead (measured on 1,000,000 actions: 23 ms on SQLite, 64 ms on PostgreSQL).
_SCOPED_BRANCH = (
    'SELECT "action"."id", "action"."agency", "action"."due_date" FROM "action"'
    ' WHERE "action"."status" = \'open\' AND "action"."{column}" IN ({query}){panel}'
)
_SCOPED_OVERDUE = (
    "WITH scoped AS MATERIALIZED ({branches})"
    ' SELECT ag.id AS agency_id, ag.name AS agency_name, COUNT(*) AS "open",'
    " SUM(CASE WHEN s.due_date < {{}} THEN 1 ELSE 0 END) AS overdue,"
    " MIN(CASE WHEN s.due_date < {{}} THEN s.due_date END) AS oldest_overdue_due_date"
    " FROM scoped s JOIN agency ag ON ag.id = s.agency GROUP BY ag.id, ag.name"
    " ORDER BY overdue DESC, oldest_overdue_due_date, agency_name, agency_id"
)


_ACTION_COLUMNS = (
    Action.id,
    Action.listing.as_alias("listing_id"),
    Action.listing.meeting.as_alias("meeting_id"),
    Action.case.as_alias("case_id"),
    Action.subject.as_alias("subject_id"),
    Action.agency.as_alias("agency_id"),
    Action.agency.name.as_alias("agency_name"),
    Action.owner.as_alias("owner_id"),
    Action.owner_name,
    Action.description,
    Action.due_date,
    Action.category,
    Action.sub_area,
    Action.status,
    Action.outcome_note,
    Action.closed_on,
    Action.created_at,
)
_HISTORY_COLUMNS = (
    ActionStatusChange.id,
    ActionStatusChange.from_status,
    ActionStatusChange.to_status,
    ActionStatusChange.note,
    ActionStatusChange.changed_by.as_alias("changed_by_id"),
    ActionStatusChange.changed_by.full_name.as_alias("changed_by_name"),
    ActionStatusChange.changed_at,
)


def is_overdue(status: str, due_date: date, today: date) -> bool:
    """Open past its due date; an action due today is not yet overdue."""
    return status == ActionStatus.OPEN.value and due_date < today


def _with_overdue(row: dict[str, Any], today: date) -> dict[str, Any]:
    return {**row, "overdue": is_overdue(row["status"], row["due_date"], today)}


async def read_action(action_id: int, today: date) -> ActionDetail:
    """One action with its status history, oldest change first (not audited: the verbs
    that change an action return it this way)."""
    row = await Action.select(*_ACTION_COLUMNS).where(Action.id == action_id).first()
    if row is None:
        raise NotFound(f"action {action_id} not found")
    history = (
        await ActionStatusChange.select(*_HISTORY_COLUMNS)
        .where(ActionStatusChange.action == action_id)
        .order_by(ActionStatusChange.id)
    )
    return to_struct({**_with_overdue(row, today), "history": history}, ActionDetail)


async def get_action(actor: Actor, action_id: int, today: date | None = None) -> ActionDetail:
    """One action and its history; reading it is audited (it is case detail)."""
    await access.check(actor, access.Record.ACTION, action_id)
    action = await read_action(action_id, today or date.today())
    async with db.transaction():
        await record_event(actor, "viewed", "action", action_id)
    return action


def _conditions(filters: ActionFilters, today: date) -> list[Any]:
    open_ = ActionStatus.OPEN.value
    overdue = {
        True: (Action.status == open_) & (Action.due_date < today),
        False: (Action.status != open_) | (Action.due_date >= today),
    }
    return [
        c
        for c in (
            Action.agency == filters.agency_id if filters.agency_id is not None else None,
            Action.status == filters.status.value if filters.status is not None else None,
            overdue[filters.overdue] if filters.overdue is not None else None,
            Action.case == filters.case_id if filters.case_id is not None else None,
            Action.subject == filters.subject_id if filters.subject_id is not None else None,
            Action.listing.meeting == filters.meeting_id
            if filters.meeting_id is not None
            else None,
            Action.due_date < filters.due_before if filters.due_before is not None else None,
        )
        if c is not None
    ]


async def list_actions(
    actor: Actor, page: PageParams, filters: ActionFilters, today: date | None = None
) -> Page[ActionRead]:
    """Actions matching every filter given, soonest due first."""
    today = today or date.today()
    rows, total = await fetch_page(
        Action.select(*_ACTION_COLUMNS).order_by(Action.due_date, Action.id),
        Action.count(),
        page,
        await access.visible(actor, access.Record.ACTION),
        *_conditions(filters, today),
    )
    return Page.of([to_struct(_with_overdue(r, today), ActionRead) for r in rows], total, page)


def overdue_by_agency_statement(
    today: date, sources: list[tuple[str, str, list[Any]]] | None, panel_id: int | None
) -> tuple[str, tuple[Any, ...]]:
    """The statement and its arguments: over every action (``sources`` None), or over the
    actions ``sources`` (``access.action_sources``) say the caller sees."""
    on_panel, panel_args = (_ON_PANEL, [panel_id]) if panel_id is not None else ("", [])
    if sources is None:
        sql = _OVERDUE_BY_AGENCY.format(open=_OPEN, scope=on_panel)
        return sql, (today, *panel_args) * 3
    branches, args = [], []
    for column, query, query_args in sources:
        branches.append(_SCOPED_BRANCH.format(column=column, query=query, panel=on_panel))
        args += [*query_args, *panel_args]
    sql = _SCOPED_OVERDUE.format(branches=" UNION ".join(branches))
    return sql, (*args, today, today)


async def overdue_by_agency(
    actor: Actor, panel_id: int | None = None, today: date | None = None
) -> list[AgencyOverdue]:
    """Each agency with open actions: how many, how many overdue and the oldest overdue due
    date; the agencies with the most overdue first."""
    await access.require(actor, access.Record.ACTION)
    if panel_id is not None:
        await access.check(actor, access.Record.PANEL, panel_id)
    sources = access.action_sources(actor)
    sql, args = overdue_by_agency_statement(today or date.today(), sources, panel_id)
    return [to_struct(row, AgencyOverdue) for row in await db.fetch(sql, *args)]
