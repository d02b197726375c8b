"""API tokens for integrations: made by an administrator for one agency and a set of
permissions, shown once, kept as a hash, revocable. A token acts as a representative of
its agency, limited to its permissions (``panel_service.access.TOKEN_PERMISSIONS``)."""

from __future__ import annotations

from datetime import UTC, datetime

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.accounts.credentials import digest, new_token
from panel_service.accounts.schemas import ApiTokenCreate, ApiTokenIssued, ApiTokenRead
from panel_service.accounts.tables import ApiToken
from panel_service.agencies.tables import Agency
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict, Invalid, NotFound
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.records import require_exists, to_struct

# Marks the string as ours, so that a leaked one is recognisable (secret scanners).
PREFIX = "pst_"

_COLUMNS = (
    ApiToken.id,
    ApiToken.name,
    ApiToken.agency.as_alias("agency_id"),
    ApiToken.permissions,
    ApiToken.created_by.as_alias("created_by_id"),
    ApiToken.created_at,
    ApiToken.expires_at,
    ApiToken.revoked_at,
    ApiToken.last_used_at,
)


async def _read(token_id: int) -> ApiTokenRead:
    row = await ApiToken.select(*_COLUMNS).where(ApiToken.id == token_id).output(load_json=True)
    if not row:
        raise NotFound(f"API token {token_id} not found")
    return to_struct(row[0], ApiTokenRead)


async def create_token(
    actor: Actor, data: ApiTokenCreate, now: datetime | None = None
) -> ApiTokenIssued:
    """Make a token; the response is the only place the token ever appears."""
    await access.require(actor, access.Record.TOKEN, access.Right.MANAGE)
    if data.expires_at is not None:
        if data.expires_at.tzinfo is None:
            raise Invalid("give the expiry with a UTC offset", field="expires_at")
        if data.expires_at <= (now or datetime.now(UTC)):
            raise Invalid("the expiry is in the past", field="expires_at")
    secret = PREFIX + new_token()
    async with db.transaction():
        await require_exists(Agency, data.agency_id, "agency_id", "agency")
        row = ApiToken(
            name=data.name,
            agency=data.agency_id,
            permissions=sorted(set(data.permissions)),
            token_hash=digest(secret),
            created_by=actor.user_id,
            expires_at=data.expires_at,
        )
        await row.save()
        await record_event(
            actor,
            "created",
            "api_token",
            row.id,
            {"agency_id": data.agency_id, "permissions": sorted(set(data.permissions))},
        )
    return ApiTokenIssued(token=secret, details=await _read(row.id))


async def list_tokens(actor: Actor, page: PageParams) -> Page[ApiTokenRead]:
    await access.require(actor, access.Record.TOKEN, access.Right.MANAGE)
    rows, total = await fetch_page(
        ApiToken.select(*_COLUMNS).output(load_json=True).order_by(ApiToken.id),
        ApiToken.count(),
        page,
    )
    return Page.of([to_struct(r, ApiTokenRead) for r in rows], total, page)


async def revoke_token(actor: Actor, token_id: int, now: datetime | None = None) -> ApiTokenRead:
    """Stop a token working, at once and for good."""
    await access.require(actor, access.Record.TOKEN, access.Right.MANAGE)
    async with db.transaction():
        revoked = (
            await ApiToken.update({ApiToken.revoked_at: now or datetime.now(UTC)})
            .where((ApiToken.id == token_id) & ApiToken.revoked_at.is_null())
            .returning(ApiToken.id)
        )
        if not revoked:
            await _read(token_id)
            raise Conflict(f"API token {token_id} is already revoked")
        await record_event(actor, "revoked", "api_token", token_id)
    return await _read(token_id)
