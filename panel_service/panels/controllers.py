"""HTTP for panels."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide
from litestar.params import Parameter

from panel_service.accounts.actor import Actor
from panel_service.pagination import Page, PageParams, provide_page
from panel_service.panels import services
from panel_service.panels.schemas import (
    PanelCreate,
    PanelRead,
    PanelUpdate,
    Sitting,
    StaffAdd,
    StaffRead,
)
from panel_service.panels.tables import PanelKind


class PanelController(Controller):
    path = "/api/panels"
    tags = ["panels"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_panels(
        self, actor: Actor, page: PageParams, kind: PanelKind | None = None
    ) -> Page[PanelRead]:
        return await services.list_panels(actor, page, kind)

    @post()
    async def create_panel(self, actor: Actor, data: PanelCreate) -> PanelRead:
        return await services.create_panel(actor, data)

    @get("/{panel_id:int}")
    async def get_panel(self, actor: Actor, panel_id: int) -> PanelRead:
        return await services.get_panel(actor, panel_id)

    @patch("/{panel_id:int}")
    async def update_panel(self, actor: Actor, panel_id: int, data: PanelUpdate) -> PanelRead:
        return await services.update_panel(actor, panel_id, data)

    @get("/{panel_id:int}/sittings")
    async def upcoming_sittings(
        self,
        actor: Actor,
        panel_id: int,
        after: datetime | None = None,
        count: Annotated[int, Parameter(ge=1, le=100)] = 12,
    ) -> list[Sitting]:
        """The next sittings the panel's schedule gives (not yet meetings)."""
        start = after if after is not None else datetime.now(UTC)
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        return await services.upcoming_sittings(actor, panel_id, start, count)

    @get("/{panel_id:int}/staff")
    async def list_staff(self, actor: Actor, panel_id: int, page: PageParams) -> Page[StaffRead]:
        """The coordinators and chairs who run the panel."""
        return await services.list_staff(actor, panel_id, page)

    @post("/{panel_id:int}/staff")
    async def add_staff(self, actor: Actor, panel_id: int, data: StaffAdd) -> StaffRead:
        return await services.add_staff(actor, panel_id, data)

    @delete("/{panel_id:int}/staff/{user_id:int}")
    async def remove_staff(self, actor: Actor, panel_id: int, user_id: int) -> None:
        await services.remove_staff(actor, panel_id, user_id)
