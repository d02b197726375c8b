"""One-click action links: single use, expiring, bound to one action and one person.

The link's token is 256 random bits; the service keeps only its SHA-256 (as for API
tokens), with the action, the person and the expiry beside it. Nothing in the URL can be
altered to reach another action, and a copy of the database yields no working link.
Opening the link (GET) shows a confirmation page and changes nothing, so a mail scanner
that follows links consumes nothing; only the POST from that page records the outcome.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.accounts.credentials import digest
from panel_service.accounts.sessions import as_aware
from panel_service.accounts.tables import Role
from panel_service.actions.schemas import ActionStatusUpdate
from panel_service.actions.services import set_action_status
from panel_service.actions.tables import ActionStatus
from panel_service.messaging.tables import ActionLink
from panel_service.settings import MessagingSettings

LINK_PATH = "/actions/respond/"


class LinkProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class LinkState:
    """A link as its page shows it: the action and who may act, or why it no longer works."""

    link_id: int | None
    action_id: int | None
    actor: Actor | None
    problem: LinkProblem | None
    used_at: datetime | None = None


async def issue(
    action_ids: list[int], user_id: int, now: datetime, valid_days: int
) -> dict[int, str]:
    """A new link per action for ``user_id``; the tokens, by action (shown once, in the
    email)."""
    tokens = {action_id: secrets.token_urlsafe(32) for action_id in action_ids}
    if tokens:
        expires_at = now + timedelta(days=valid_days)
        async with db.transaction():
            await ActionLink.insert(
                *[
                    ActionLink(
                        action=action_id,
                        user=user_id,
                        token_hash=digest(token),
                        expires_at=expires_at,
                    )
                    for action_id, token in tokens.items()
                ]
            )
    return tokens


def url(settings: MessagingSettings, token: str) -> str:
    return f"{settings.public_url}{LINK_PATH}{token}"


async def read(token: str, now: datetime | None = None) -> LinkState:
    """What the link stands for (nothing is changed)."""
    now = now or datetime.now(UTC)
    rows = await db.fetch(
        "SELECT l.id, l.action, l.expires_at, l.used_at, u.id AS user_id, u.full_name,"
        " u.role, u.agency, u.active FROM action_link l JOIN app_user u ON u.id = l.user"
        " WHERE l.token_hash = {}",
        digest(token),
    )
    if not rows:
        return LinkState(None, None, None, LinkProblem.UNKNOWN)
    row = rows[0]
    problem = None
    if row["used_at"] is not None:
        problem = LinkProblem.USED
    elif as_aware(row["expires_at"]) <= now:
        problem = LinkProblem.EXPIRED
    elif not row["active"]:
        problem = LinkProblem.WITHDRAWN
    actor = Actor(
        user_id=row["user_id"],
        label=f"{row['full_name']} (email link)",
        role=Role(row["role"]),
        agency_id=row["agency"],
    )
    used_at = as_aware(row["used_at"]) if row["used_at"] is not None else None
    return LinkState(row["id"], row["action"], actor, problem, used_at)


async def consume(link_id: int, now: datetime) -> bool:
    """Mark the link used; False if another request used it first (or it expired). Call
    inside the transaction that records the outcome, so a refused outcome leaves it unused."""
    rows = await db.fetch(
        "UPDATE action_link SET used_at = {} WHERE id = {} AND used_at IS NULL"
        " AND expires_at > {} RETURNING id",
        now,
        link_id,
        now,
    )
    return bool(rows)


async def respond(
    token: str, status: ActionStatus, note: str, now: datetime | None = None
) -> LinkState:
    """Record the outcome the link's owner chose, and use the link up, in one transaction:
    a refused outcome (a missing note, an action closed meanwhile) leaves the link usable.
    Raises ``LinkRefused`` for a link that no longer works."""
    now = now or datetime.now(UTC)
    state = await read(token, now)
    if state.problem is not None or state.actor is None or state.link_id is None:
        raise LinkRefused(state)
    assert state.action_id is not None
    await access.check(state.actor, access.Record.ACTION, state.action_id, access.Right.REPORT)
    async with db.transaction():
        if not await consume(state.link_id, now):
            raise LinkRefused(await read(token, now))
        await set_action_status(
            state.actor, state.action_id, ActionStatusUpdate(status=status, note=note)
        )
    return state


class LinkRefused(Exception):
    """The link is unknown, expired, used, or its person can no longer act."""

    def __init__(self, state: LinkState) -> None:
        super().__init__(state.problem.value if state.problem else "refused")
        self.state = state
