"""Verbs on panels, their settings, default agencies and schedule."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import msgspec

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.accounts.tables import Role, User
from panel_service.agencies.tables import Agency
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict, Invalid, NotFound
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.panels.schedule import check_zone, occurrences, parse_rule
from panel_service.panels.schemas import (
    PanelCreate,
    PanelRead,
    PanelSettings,
    PanelUpdate,
    Sitting,
    StaffAdd,
    StaffRead,
)
from panel_service.panels.tables import Panel, PanelAgency, PanelKind, PanelStaff
from panel_service.records import fetch_row, set_fields, to_struct

SETTING_FIELDS = tuple(PanelSettings.__struct_fields__)


def settings_of(row: dict[str, Any]) -> PanelSettings:
    """A panel row's local settings as a typed struct."""
    return msgspec.convert({k: row[k] for k in SETTING_FIELDS}, PanelSettings)


async def get_panel_row(panel_id: int, field: str | None = None) -> dict[str, Any]:
    """The panel row, or ``NotFound`` (naming ``field`` when the id came from a body)."""
    try:
        return await fetch_row(Panel, panel_id, "panel")
    except NotFound as exc:
        raise NotFound(exc.message, field=field) from exc


def _check_schedule(row: dict[str, Any]) -> None:
    check_zone(row["timezone"])
    parse_rule(row["recurrence_rule"], row["first_date"], row["start_time"])
    if row["end_time"] <= row["start_time"]:
        raise Invalid("a sitting must end after it starts", field="end_time")


async def _check_agencies(agency_ids: list[int]) -> None:
    if len(set(agency_ids)) != len(agency_ids):
        raise Invalid("an agency is listed twice", field="invited_agency_ids")
    if not agency_ids:
        return
    found = await Agency.select(Agency.id).where(Agency.id.is_in(agency_ids))
    missing = sorted(set(agency_ids) - {r["id"] for r in found})
    if missing:
        raise Invalid(f"no agency with id {missing[0]}", field="invited_agency_ids")


async def _set_agencies(panel_id: int, agency_ids: list[int]) -> None:
    await PanelAgency.delete().where(PanelAgency.panel == panel_id)
    if agency_ids:
        await PanelAgency.insert(
            *[PanelAgency(panel=panel_id, agency=agency_id) for agency_id in agency_ids]
        )


async def _refuse_duplicate_name(name: str, except_id: int | None = None) -> None:
    query = Panel.exists().where(Panel.name == name)
    if except_id is not None:
        query = query.where(Panel.id != except_id)
    if await query:
        raise Conflict(f"a panel named {name!r} already exists", field="name")


async def create_panel(actor: Actor, data: PanelCreate) -> PanelRead:
    """Set up a standing forum with its schedule, settings and default agencies."""
    await access.require(actor, access.Record.PANEL, access.Right.CREATE)
    values: dict[str, Any] = msgspec.structs.asdict(data)
    values.pop("invited_agency_ids")
    values.update(msgspec.to_builtins(values.pop("settings")))
    values["kind"] = data.kind.value
    _check_schedule(values)
    async with db.transaction():
        await _refuse_duplicate_name(data.name)
        await _check_agencies(data.invited_agency_ids)
        panel = Panel(**values)
        await panel.save()
        await _set_agencies(panel.id, data.invited_agency_ids)
        await record_event(actor, "created", "panel", panel.id)
    return await get_panel(actor, panel.id)


async def _read(rows: list[dict[str, Any]]) -> list[PanelRead]:
    ids = [r["id"] for r in rows]
    links = (
        await PanelAgency.select(PanelAgency.panel, PanelAgency.agency)
        .where(PanelAgency.panel.is_in(ids))
        .order_by(PanelAgency.id)
        if ids
        else []
    )
    agencies: dict[int, list[int]] = {i: [] for i in ids}
    for link in links:
        agencies[link["panel"]].append(link["agency"])
    return [
        PanelRead(
            id=r["id"],
            name=r["name"],
            kind=PanelKind(r["kind"]),
            area=r["area"],
            recurrence_rule=r["recurrence_rule"],
            first_date=r["first_date"],
            start_time=r["start_time"],
            end_time=r["end_time"],
            timezone=r["timezone"],
            venue=r["venue"],
            video_link=r["video_link"],
            settings=settings_of(r),
            invited_agency_ids=agencies[r["id"]],
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def get_panel(actor: Actor, panel_id: int) -> PanelRead:
    await access.check(actor, access.Record.PANEL, panel_id)
    return (await _read([await get_panel_row(panel_id)]))[0]


async def list_panels(
    actor: Actor, page: PageParams, kind: PanelKind | None = None
) -> Page[PanelRead]:
    await access.require(actor, access.Record.PANEL)
    rows, total = await fetch_page(
        Panel.select().order_by(Panel.name),
        Panel.count(),
        page,
        Panel.kind == kind.value if kind else None,
    )
    return Page.of(await _read(rows), total, page)


async def update_panel(actor: Actor, panel_id: int, data: PanelUpdate) -> PanelRead:
    """Change a panel's details, schedule or settings; only the fields sent change."""
    await access.check(actor, access.Record.PANEL, panel_id, access.Right.MANAGE)
    changes = set_fields(data)
    agency_ids = changes.pop("invited_agency_ids", None)
    if "settings" in changes:
        changes.update(set_fields(changes.pop("settings")))
    changes = {k: v.value if hasattr(v, "value") else v for k, v in changes.items()}
    async with db.transaction():
        current = await get_panel_row(panel_id)
        _check_schedule({**current, **changes})
        if "name" in changes:
            await _refuse_duplicate_name(changes["name"], except_id=panel_id)
        if changes:
            await Panel.update(cast(dict[Any, Any], changes)).where(Panel.id == panel_id)
        if agency_ids is not None:
            await _check_agencies(agency_ids)
            await _set_agencies(panel_id, agency_ids)
            changes["invited_agency_ids"] = agency_ids
        if changes:
            await record_event(actor, "updated", "panel", panel_id, {"fields": sorted(changes)})
    return await get_panel(actor, panel_id)


async def upcoming_sittings(
    actor: Actor, panel_id: int, after: datetime, limit: int
) -> list[Sitting]:
    """The next sittings the schedule gives, in the panel's time zone."""
    await access.check(actor, access.Record.PANEL, panel_id)
    row = await get_panel_row(panel_id)
    return [
        Sitting(starts_at=start, ends_at=end)
        for start, end in occurrences(
            row["recurrence_rule"],
            row["first_date"],
            row["start_time"],
            row["end_time"],
            row["timezone"],
            after=after,
            limit=limit,
        )
    ]


# Who runs a panel; scoping to "their panels" reads this (panel_service.access). Service
# managers run perpetrator panels only.
STAFF_ROLES = (Role.COORDINATOR.value, Role.CHAIR.value)
PERPETRATOR_STAFF_ROLES = (*STAFF_ROLES, Role.SERVICE_MANAGER.value)
_STAFF_COLUMNS = (
    PanelStaff.user.as_alias("user_id"),
    PanelStaff.user.full_name.as_alias("full_name"),
    PanelStaff.user.email.as_alias("email"),
    PanelStaff.user.role.as_alias("role"),
)


async def add_staff(actor: Actor, panel_id: int, data: StaffAdd) -> StaffRead:
    """Make an active coordinator or chair (or, on a perpetrator panel, service manager) one
    of the people who run this panel."""
    await access.check(actor, access.Record.PANEL, panel_id, access.Right.MANAGE)
    async with db.transaction():
        panel = await get_panel_row(panel_id)
        user = await fetch_row(User, data.user_id, "user")
        roles = (
            PERPETRATOR_STAFF_ROLES if panel["kind"] == PanelKind.PERPETRATOR_PANEL else STAFF_ROLES
        )
        if not user["active"] or user["role"] not in roles:
            raise Invalid(
                "panel staff are active coordinators or chairs (and, on perpetrator panels,"
                " service managers)",
                field="user_id",
            )
        taken = PanelStaff.exists().where(
            (PanelStaff.panel == panel_id) & (PanelStaff.user == data.user_id)
        )
        if await taken:
            raise Conflict("already on this panel's staff", field="user_id")
        await PanelStaff.insert(PanelStaff(panel=panel_id, user=data.user_id))
        await record_event(actor, "staff_added", "panel", panel_id, {"user_id": data.user_id})
    row = (
        await PanelStaff.select(*_STAFF_COLUMNS)
        .where((PanelStaff.panel == panel_id) & (PanelStaff.user == data.user_id))
        .first()
    )
    assert row is not None
    return to_struct(row, StaffRead)


async def list_staff(actor: Actor, panel_id: int, page: PageParams) -> Page[StaffRead]:
    await access.check(actor, access.Record.PANEL, panel_id)
    await get_panel_row(panel_id)
    rows, total = await fetch_page(
        PanelStaff.select(*_STAFF_COLUMNS).order_by(PanelStaff.id),
        PanelStaff.count(),
        page,
        PanelStaff.panel == panel_id,
    )
    return Page.of([to_struct(r, StaffRead) for r in rows], total, page)


async def remove_staff(actor: Actor, panel_id: int, user_id: int) -> None:
    await access.check(actor, access.Record.PANEL, panel_id, access.Right.MANAGE)
    async with db.transaction():
        removed = (
            await PanelStaff.delete()
            .where((PanelStaff.panel == panel_id) & (PanelStaff.user == user_id))
            .returning(PanelStaff.id)
        )
        if not removed:
            raise NotFound(f"user {user_id} is not on panel {panel_id}'s staff")
        await record_event(actor, "staff_removed", "panel", panel_id, {"user_id": user_id})
