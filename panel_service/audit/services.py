"""Reading the audit trail."""

from __future__ import annotations

from panel_service import access
from panel_service.accounts.actor import Actor
from panel_service.audit.schemas import AuditEventRead
from panel_service.audit.tables import AuditEvent
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.records import to_struct


async def list_events(
    actor: Actor,
    page: PageParams,
    record_type: str | None = None,
    record_id: int | None = None,
    actor_id: int | None = None,
) -> Page[AuditEventRead]:
    """The trail, newest first, optionally for one record or one actor (administrators)."""
    await access.require(actor, access.Record.AUDIT)
    return await read_events(page, record_type, record_id, actor_id)


async def read_events(
    page: PageParams,
    record_type: str | None = None,
    record_id: int | None = None,
    actor_id: int | None = None,
) -> Page[AuditEventRead]:
    """The trail, newest first, for a caller who has checked access."""
    rows, total = await fetch_page(
        AuditEvent.select(
            *AuditEvent.all_columns(
                exclude=[AuditEvent.actor, AuditEvent.agency, AuditEvent.api_token]
            ),
            AuditEvent.actor.as_alias("actor_id"),
            AuditEvent.agency.as_alias("agency_id"),
            AuditEvent.api_token.as_alias("api_token_id"),
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
