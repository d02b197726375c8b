"""HTTP for the audit trail (read-only: there is no route that changes it)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import Provide

from panel_service.accounts.actor import Actor
from panel_service.audit import services
from panel_service.audit.schemas import AuditEventRead
from panel_service.pagination import Page, PageParams, provide_page


class AuditEventController(Controller):
    path = "/api/audit-events"
    tags = ["audit"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_audit_events(
        self,
        actor: Actor,
        page: PageParams,
        record_type: str | None = None,
        record_id: int | None = None,
        actor_id: int | None = None,
    ) -> Page[AuditEventRead]:
        return await services.list_events(actor, page, record_type, record_id, actor_id)
