"""HTTP for agencies."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide

from panel_service.accounts.actor import Actor
from panel_service.agencies import services
from panel_service.agencies.schemas import AgencyCreate, AgencyRead, AgencyUpdate
from panel_service.agencies.tables import AgencyType
from panel_service.pagination import Page, PageParams, provide_page


class AgencyController(Controller):
    path = "/api/agencies"
    tags = ["agencies"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_agencies(
        self, actor: Actor, page: PageParams, agency_type: AgencyType | None = None
    ) -> Page[AgencyRead]:
        return await services.list_agencies(actor, page, agency_type)

    @post()
    async def create_agency(self, actor: Actor, data: AgencyCreate) -> AgencyRead:
        return await services.create_agency(actor, data)

    @get("/{agency_id:int}")
    async def get_agency(self, actor: Actor, agency_id: int) -> AgencyRead:
        return await services.get_agency(actor, agency_id)

    @patch("/{agency_id:int}")
    async def update_agency(self, actor: Actor, agency_id: int, data: AgencyUpdate) -> AgencyRead:
        return await services.update_agency(actor, agency_id, data)

    @delete("/{agency_id:int}")
    async def delete_agency(self, actor: Actor, agency_id: int) -> None:
        await services.delete_agency(actor, agency_id)
