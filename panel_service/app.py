"""create_app(): the one place the application is assembled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, get
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from panel_service.accounts.actor import provide_actor
from panel_service.accounts.controllers import (
    ApiTokenController,
    AuthController,
    RepresentativeController,
    UserController,
)
from panel_service.actions.controllers import ActionController, ListingActionController
from panel_service.agencies.controllers import AgencyController
from panel_service.audit.controllers import AuditEventController
from panel_service.cases.controllers import CaseController, PersonController, SubjectController
from panel_service.db import get_engine
from panel_service.demo.mail_pages import DemoMailController
from panel_service.demo.mail_sink import mail_sink
from panel_service.documents.controllers import DocumentController
from panel_service.errors import EXCEPTION_HANDLERS
from panel_service.http_security import http_security
from panel_service.meetings.controllers import (
    CaseListingController,
    ListingController,
    MeetingController,
)
from panel_service.messaging.controllers import (
    ActionLinkController,
    CalendarFeedController,
    OutboxController,
    calendar_feed,
    slack_command,
)
from panel_service.messaging.runtime import dispatcher_in_process
from panel_service.minutes.controllers import MinutesController
from panel_service.panels.controllers import PanelController
from panel_service.settings import get_settings


@asynccontextmanager
async def database_pool(_: Litestar) -> AsyncIterator[None]:
    """Open the pool on the app's own event loop and close it on shutdown."""
    engine = get_engine()
    await engine.start_connection_pool()
    try:
        yield
    finally:
        await engine.close_connection_pool()


@get("/health", sync_to_thread=False, tags=["service"])
def health() -> dict[str, str]:
    """Liveness: the process is serving."""
    return {"status": "ok"}


def create_app() -> Litestar:
    settings = get_settings()
    security = http_security(settings)
    demo_mail = [DemoMailController] if settings.messaging.demo_mail_sink else []
    return Litestar(
        route_handlers=[
            health,
            AuthController,
            ApiTokenController,
            AgencyController,
            AuditEventController,
            PanelController,
            MeetingController,
            ListingController,
            ListingActionController,
            ActionController,
            CaseListingController,
            DocumentController,
            MinutesController,
            OutboxController,
            CalendarFeedController,
            calendar_feed,
            ActionLinkController,
            slack_command,
            CaseController,
            PersonController,
            SubjectController,
            RepresentativeController,
            UserController,
            *demo_mail,
        ],
        dependencies={"actor": Provide(provide_actor)},
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=security.middleware,
        before_send=security.before_send,
        lifespan=[database_pool, mail_sink, dispatcher_in_process],
        openapi_config=OpenAPIConfig(
            title="Panel Service",
            version="0.1.0",
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
        ),
        cache_control=CacheControlHeader(no_store=True),
        request_max_body_size=settings.max_request_body_bytes,
        debug=settings.debug,
    )
