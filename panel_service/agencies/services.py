"""Verbs on agencies."""

from __future__ import annotations

from typing import Any, cast

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.agencies.schemas import AgencyCreate, AgencyRead, AgencyUpdate
from panel_service.agencies.tables import Agency, AgencyType
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.records import fetch_row, set_fields, to_struct


async def _refuse_duplicate_name(name: str, except_id: int | None = None) -> None:
    query = Agency.exists().where(Agency.name == name)
    if except_id is not None:
        query = query.where(Agency.id != except_id)
    if await query:
        raise Conflict(f"an agency named {name!r} already exists", field="name")


async def create_agency(actor: Actor, data: AgencyCreate) -> AgencyRead:
    """Register an agency that sits at panels."""
    await access.require(actor, access.Record.AGENCY, access.Right.CREATE)
    async with db.transaction():
        await _refuse_duplicate_name(data.name)
        row = Agency(
            name=data.name,
            agency_type=data.agency_type.value,
            secure_domains=[d.lower() for d in data.secure_domains],
            contact_name=data.contact_name,
            contact_email=data.contact_email or "",
        )
        await row.save()
        await record_event(actor, "created", "agency", row.id)
    return await get_agency(actor, row.id)


async def get_agency(actor: Actor, agency_id: int) -> AgencyRead:
    await access.check(actor, access.Record.AGENCY, agency_id)
    return to_struct(await fetch_row(Agency, agency_id, "agency"), AgencyRead)


async def list_agencies(
    actor: Actor, page: PageParams, agency_type: AgencyType | None = None
) -> Page[AgencyRead]:
    await access.require(actor, access.Record.AGENCY)
    rows, total = await fetch_page(
        Agency.select().output(load_json=True).order_by(Agency.name),
        Agency.count(),
        page,
        Agency.agency_type == agency_type.value if agency_type else None,
    )
    return Page.of([to_struct(r, AgencyRead) for r in rows], total, page)


async def update_agency(actor: Actor, agency_id: int, data: AgencyUpdate) -> AgencyRead:
    await access.check(actor, access.Record.AGENCY, agency_id, access.Right.MANAGE)
    changes: dict[str, Any] = set_fields(data)
    async with db.transaction():
        await fetch_row(Agency, agency_id, "agency")
        if "name" in changes:
            await _refuse_duplicate_name(changes["name"], except_id=agency_id)
        if "secure_domains" in changes:
            changes["secure_domains"] = [d.lower() for d in changes["secure_domains"]]
        if changes:
            await Agency.update(cast(dict[Any, Any], changes)).where(Agency.id == agency_id)
            await record_event(actor, "updated", "agency", agency_id, {"fields": sorted(changes)})
    return await get_agency(actor, agency_id)


async def delete_agency(actor: Actor, agency_id: int) -> None:
    """Delete an agency nobody refers to; one with any records is refused (deactivate it)."""
    await access.check(actor, access.Record.AGENCY, agency_id, access.Right.MANAGE)
    try:
        async with db.transaction():
            await fetch_row(Agency, agency_id, "agency")
            await Agency.delete().where(Agency.id == agency_id)
            await record_event(actor, "deleted", "agency", agency_id)
    except Exception as exc:
        if db.is_integrity_error(exc):
            raise Conflict(
                "the agency has records (users, cases, actions or attendance); "
                "deactivate it instead of deleting it"
            ) from exc
        raise
