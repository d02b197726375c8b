"""HTTP for messaging: the outbox (coordinators), the one-click action page, the panels'
calendar feeds and the Slack slash command."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import Provide
from litestar.status_codes import HTTP_200_OK, HTTP_401_UNAUTHORIZED

from panel_service.accounts.actor import Actor
from panel_service.actions.tables import ActionStatus
from panel_service.adapters.slack import verify_slack_request
from panel_service.errors import DomainError
from panel_service.messaging import feeds, links, readiness, services
from panel_service.messaging.compose import actions_shown
from panel_service.messaging.schemas import CalendarFeedCreated, OutboxRead
from panel_service.messaging.tables import OutboxStatus
from panel_service.messaging.templating import environment
from panel_service.pagination import Page, PageParams, provide_page
from panel_service.settings import get_settings

OUTCOMES = (
    (ActionStatus.COMPLETED.value, "Completed"),
    (
        ActionStatus.NOT_COMPLETED_CIRCUMSTANCES_CHANGED.value,
        "Not completed: not possible because circumstances changed",
    ),
    (ActionStatus.NOT_COMPLETED_NOT_DONE.value, "Not completed: the agency has not done it"),
)
LABELS = dict(OUTCOMES)


class OutboxController(Controller):
    path = "/api/outbox"
    tags = ["messaging"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_outbox(
        self,
        actor: Actor,
        page: PageParams,
        status: OutboxStatus | None = None,
        meeting_id: int | None = None,
    ) -> Page[OutboxRead]:
        """Queued, sent and failed messages of the panels the caller runs (newest first)."""
        return await services.list_outbox(actor, page, status, meeting_id)

    @get("/{message_id:int}")
    async def get_outbox_message(self, actor: Actor, message_id: int) -> OutboxRead:
        return await services.get_outbox_message(actor, message_id)

    @post("/{message_id:int}/retry", status_code=HTTP_200_OK)
    async def retry_message(self, actor: Actor, message_id: int) -> OutboxRead:
        """Send a failed message again (the same message, the same Message-ID)."""
        return await services.retry_message(actor, message_id)


class CalendarFeedController(Controller):
    path = "/api/panels/{panel_id:int}/calendar-feed"
    tags = ["messaging"]

    @post()
    async def create_calendar_feed(self, actor: Actor, panel_id: int) -> CalendarFeedCreated:
        """A new secret address for the panel's meetings feed (the old one stops working)."""
        return await feeds.create_feed(actor, panel_id)


@get(f"{feeds.FEED_PATH}{{token:str}}", tags=["messaging"], include_in_schema=False)
async def calendar_feed(token: str) -> Response[bytes]:
    """The feed itself: anyone with the secret address (a calendar application)."""
    content = await feeds.read_feed(token.removesuffix(".ics"))
    return Response(content, media_type="text/calendar; charset=utf-8")


async def _action_facts(action_id: int) -> dict[str, Any]:
    (action,) = await actions_shown([action_id])
    # Whoever holds the link sees no description: it may hold case details.
    del action["description"]
    return {
        **action,
        "status": LABELS.get(action["status"], action["status"]),
        "closed": action["status"] != ActionStatus.OPEN.value,
    }


def _page(status_code: int = 200, **context: Any) -> Response[str]:
    context = {
        "title": "Report an action's outcome",
        "problem": None,
        "used_at": None,
        "recorded": None,
        "error": None,
        "action": None,
        "outcomes": OUTCOMES,
        **context,
    }
    html = environment("web").get_template("action_link.html").render(context)
    return Response(html, media_type=MediaType.HTML, status_code=status_code)


def _when(moment: datetime | None) -> str | None:
    return f"{moment:%d %B %Y %H:%M} UTC" if moment else None


class ActionLinkController(Controller):
    """The page an action email links to. GET only shows it; POST records the outcome."""

    path = links.LINK_PATH + "{token:str}"
    tags = ["messaging"]
    include_in_schema = False

    @get()
    async def show_action_link(self, token: str) -> Response[str]:
        state = await links.read(token)
        if state.problem is not None or state.action_id is None:
            return _refused(state)
        return _page(action=await _action_facts(state.action_id))

    @post(status_code=HTTP_200_OK)
    async def record_action_link(
        self, token: str, request: Request[Any, Any, Any]
    ) -> Response[str]:
        state = await links.read(token)
        if state.problem is not None or state.action_id is None:
            return _refused(state)
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        chosen = (form.get("status") or [""])[0]
        note = (form.get("note") or [""])[0][:2000].replace("\x00", "")
        if chosen not in LABELS:
            facts = await _action_facts(state.action_id)
            return _page(422, action=facts, error="choose one of the three outcomes")
        try:
            await links.respond(token, ActionStatus(chosen), note)
        except links.LinkRefused as refused:
            return _refused(refused.state)
        except DomainError as exc:
            facts = await _action_facts(state.action_id)
            return _page(exc.status_code, action=facts, error=exc.message)
        return _page(action=await _action_facts(state.action_id), recorded=LABELS[chosen])


def _refused(state: links.LinkState) -> Response[str]:
    """A link that no longer works explains why: 404 unknown, 410 used, expired, withdrawn."""
    problem = state.problem or links.LinkProblem.UNKNOWN
    status = 404 if problem is links.LinkProblem.UNKNOWN else 410
    return _page(status, problem=problem.value, used_at=_when(state.used_at))


@post("/slack/commands", tags=["messaging"], include_in_schema=False, status_code=HTTP_200_OK)
async def slack_command(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """``/panel next``: each panel's next meeting and its readiness — counts and opaque
    references only. Verified with Slack's signature over the raw body."""
    settings = get_settings().messaging
    body = await request.body()
    if not settings.slack_signing_secret or not verify_slack_request(
        settings.slack_signing_secret,
        body,
        request.headers.get("x-slack-request-timestamp"),
        request.headers.get("x-slack-signature"),
        now=time.time(),
    ):
        return Response({"error": "signature"}, status_code=HTTP_401_UNAUTHORIZED)
    text = (parse_qs(body.decode("utf-8", "replace")).get("text") or [""])[0].strip()
    if text not in ("", "next"):
        return Response({"response_type": "ephemeral", "text": "Try `/panel next`."})
    lines = [
        f"*{r.panel_name}* {r.starts} ({r.status.replace('_', ' ')}): {r.listed} case(s) listed,"
        f" victim's voice in for {r.voices_in}"
        + (f" (missing: {', '.join(r.missing_references)})" if r.missing_references else "")
        + f", {r.agencies_answered} of {r.agencies_invited} agencies have answered"
        for r in await readiness.next_meetings()
    ]
    message = "\n".join(lines) or "No meetings are scheduled."
    return Response(
        {
            "response_type": "ephemeral",
            "text": message,
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": message}}],
        }
    )
