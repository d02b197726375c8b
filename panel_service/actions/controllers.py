"""HTTP for actions: agreeing them at a listing, reading, editing and reporting status."""

from __future__ import annotations

from datetime import date

from litestar import Controller, get, patch, post
from litestar.di import Provide

from panel_service.accounts.actor import Actor
from panel_service.actions import queries, services
from panel_service.actions.schemas import (
    ActionCreate,
    ActionDetail,
    ActionFilters,
    ActionRead,
    ActionStatusUpdate,
    ActionUpdate,
    AgencyOverdue,
)
from panel_service.actions.tables import ActionStatus
from panel_service.pagination import Page, PageParams, provide_page


class ActionController(Controller):
    path = "/api/actions"
    tags = ["actions"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_actions(
        self,
        actor: Actor,
        page: PageParams,
        agency_id: int | None = None,
        status: ActionStatus | None = None,
        overdue: bool | None = None,
        case_id: int | None = None,
        subject_id: int | None = None,
        meeting_id: int | None = None,
        due_before: date | None = None,
    ) -> Page[ActionRead]:
        """Actions soonest due first; ``overdue`` means open with a due date before today."""
        filters = ActionFilters(
            agency_id=agency_id,
            status=status,
            overdue=overdue,
            case_id=case_id,
            subject_id=subject_id,
            meeting_id=meeting_id,
            due_before=due_before,
        )
        return await queries.list_actions(actor, page, filters)

    @get("/overdue-by-agency")
    async def overdue_by_agency(
        self, actor: Actor, panel_id: int | None = None
    ) -> list[AgencyOverdue]:
        """Open and overdue actions per agency, the agencies with the most overdue first."""
        return await queries.overdue_by_agency(actor, panel_id)

    @get("/{action_id:int}")
    async def get_action(self, actor: Actor, action_id: int) -> ActionDetail:
        return await queries.get_action(actor, action_id)

    @patch("/{action_id:int}")
    async def update_action(self, actor: Actor, action_id: int, data: ActionUpdate) -> ActionDetail:
        """Change the description, due date or owner of an open action."""
        return await services.update_action(actor, action_id, data)

    @post("/{action_id:int}/status", status_code=200)
    async def set_action_status(
        self, actor: Actor, action_id: int, data: ActionStatusUpdate
    ) -> ActionDetail:
        """The owning agency reports the outcome (a not-completed outcome needs a note)."""
        return await services.set_action_status(actor, action_id, data)


class ListingActionController(Controller):
    path = "/api/listings/{listing_id:int}/actions"
    tags = ["actions"]

    @post()
    async def agree_action(self, actor: Actor, listing_id: int, data: ActionCreate) -> ActionDetail:
        """Record an action the panel agreed for this listing while it sits."""
        return await services.agree_action(actor, listing_id, data)
