"""HTTP for users and agency representatives."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide

from panel_service.accounts import services
from panel_service.accounts.actor import Actor
from panel_service.accounts.schemas import (
    RepresentativeCreate,
    RepresentativeRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from panel_service.accounts.tables import Role
from panel_service.pagination import Page, PageParams, provide_page


class UserController(Controller):
    path = "/api/users"
    tags = ["users"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_users(
        self,
        actor: Actor,
        page: PageParams,
        role: Role | None = None,
        agency_id: int | None = None,
    ) -> Page[UserRead]:
        return await services.list_users(actor, page, role, agency_id)

    @post()
    async def create_user(self, actor: Actor, data: UserCreate) -> UserRead:
        return await services.create_user(actor, data)

    @get("/{user_id:int}")
    async def get_user(self, actor: Actor, user_id: int) -> UserRead:
        return await services.get_user(actor, user_id)

    @patch("/{user_id:int}")
    async def update_user(self, actor: Actor, user_id: int, data: UserUpdate) -> UserRead:
        return await services.update_user(actor, user_id, data)


class RepresentativeController(Controller):
    path = "/api/agencies/{agency_id:int}/representatives"
    tags = ["agencies"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_representatives(
        self, actor: Actor, agency_id: int, page: PageParams
    ) -> Page[RepresentativeRead]:
        return await services.list_representatives(actor, agency_id, page)

    @post()
    async def add_representative(
        self, actor: Actor, agency_id: int, data: RepresentativeCreate
    ) -> RepresentativeRead:
        return await services.add_representative(actor, agency_id, data)

    @delete("/{representative_id:int}")
    async def remove_representative(
        self, actor: Actor, agency_id: int, representative_id: int
    ) -> None:
        await services.remove_representative(actor, agency_id, representative_id)
