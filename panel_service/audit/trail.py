"""Writing the audit trail: one place appends events, nothing changes or removes them."""

from __future__ import annotations

import json
from typing import Any

from panel_service import db
from panel_service.accounts.actor import Actor
from panel_service.audit.tables import AuditEvent


async def record_event(
    actor: Actor,
    verb: str,
    record_type: str,
    record_id: int,
    detail: dict[str, Any] | None = None,
    reason: str = "",
    recipients: list[str] | None = None,
) -> None:
    """Append one event; call it inside the transaction of the change it describes.

    ``detail`` names fields and opaque references, never restricted values;
    ``recipients`` says who received the record, for a disclosure.
    """
    await AuditEvent.insert(
        _event(actor, verb, record_type, record_id, detail, reason, recipients)
    ).run()


_INSERT_EVENTS = (
    "INSERT INTO audit_event (actor, actor_label, agency, api_token, verb, record_type,"
    " detail, record_id, reason, recipients) VALUES "
)


async def record_events(
    actor: Actor,
    verb: str,
    record_type: str,
    record_ids: list[int],
    detail: dict[str, Any],
    recipients: list[str] | None = None,
) -> None:
    """The same event for many records, in one hand-written statement: a page that shows
    many cases pays for one small write, not for building an ORM row per case."""
    if record_ids:
        sql, args = events_statement(actor, verb, record_type, record_ids, detail, recipients)
        await db.fetch(sql, *args)


def events_statement(
    actor: Actor,
    verb: str,
    record_type: str,
    record_ids: list[int],
    detail: dict[str, Any],
    recipients: list[str] | None = None,
) -> tuple[str, list[Any]]:
    """``record_events``' statement and arguments (the agenda benchmark's baseline runs it
    too)."""
    shared = (
        actor.user_id,
        actor.label,
        actor.agency_id,
        actor.token_id,
        verb,
        record_type,
        json.dumps(detail),
    )
    row = "(" + ", ".join(["{}"] * (len(shared) + 1)) + ", '', {})"
    listed = json.dumps(recipients or [])
    args = [value for record_id in record_ids for value in (*shared, record_id, listed)]
    return _INSERT_EVENTS + ", ".join([row] * len(record_ids)), args


def _event(
    actor: Actor,
    verb: str,
    record_type: str,
    record_id: int,
    detail: dict[str, Any] | None,
    reason: str,
    recipients: list[str] | None,
) -> AuditEvent:
    return AuditEvent(
        actor=actor.user_id,
        actor_label=actor.label,
        agency=actor.agency_id,
        api_token=actor.token_id,
        verb=verb,
        record_type=record_type,
        record_id=record_id,
        detail=detail or {},
        reason=reason,
        recipients=recipients or [],
    )
