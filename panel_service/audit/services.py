"""Writing and reading the audit trail."""

from __future__ import annotations

from typing import Any

from panel_service.accounts.actor import Actor
from panel_service.audit.schemas import AuditEventRead
from panel_service.audit.tables import AuditEvent
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.records import to_struct


async def record_event(
    actor: Actor,
    verb: str,
    record_type: str,
    record_id: int,
    detail: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Append one event; call it inside the transaction of the change it describes.

    ``detail`` names fields and opaque references, never restricted values.
    """
    await AuditEvent.insert(
        AuditEvent(
            actor=actor.user_id,
            actor_label=actor.label,
            verb=verb,
            record_type=record_type,
            record_id=record_id,
            detail=detail or {},
            reason=reason,
        )
    ).run()


async def list_events(
    actor: Actor,
    page: PageParams,
    record_type: str | None = None,
    record_id: int | None = None,
    actor_id: int | None = None,
) -> Page[AuditEventRead]:
    """The trail, newest first, optionally for one record or one actor."""
    rows, total = await fetch_page(
        AuditEvent.select(
            *AuditEvent.all_columns(exclude=[AuditEvent.actor]),
            AuditEvent.actor.as_alias("actor_id"),
        )
        .output(load_json=True)
        .order_by(AuditEvent.id, ascending=False),
        AuditEvent.count(),
        page,
        AuditEvent.record_type == record_type if record_type else None,
        AuditEvent.record_id == record_id if record_id else None,
        AuditEvent.actor == actor_id if actor_id else None,
    )
    return Page.of([to_struct(r, AuditEventRead) for r in rows], total, page)
