"""Writing the audit trail: one place appends events, nothing changes or removes them."""

from __future__ import annotations

from typing import Any

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


async def record_events(
    actor: Actor, verb: str, record_type: str, record_ids: list[int], detail: dict[str, Any]
) -> None:
    """The same event for many records, in one statement (a page that shows many cases)."""
    if record_ids:
        await AuditEvent.insert(
            *(_event(actor, verb, record_type, i, detail, "", None) for i in record_ids)
        ).run()


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
