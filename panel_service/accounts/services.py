"""Verbs on users and on who represents each agency."""

from __future__ import annotations

from typing import Any, cast

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.accounts.schemas import (
    RepresentativeCreate,
    RepresentativeRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from panel_service.accounts.sessions import end_user_sessions
from panel_service.accounts.tables import AgencyRepresentative, Role, User
from panel_service.agencies.tables import Agency
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict, Invalid, NotFound
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.records import fetch_row, require_exists, set_fields, to_struct

# Roles that act for one agency and so must belong to one.
AGENCY_ROLES = {Role.AGENCY_REPRESENTATIVE, Role.IDVA, Role.CASE_MANAGER}

_USER_COLUMNS = (
    User.id,
    User.email,
    User.full_name,
    User.role,
    User.agency.as_alias("agency_id"),
    User.active,
    User.created_at,
)


def _check_role_agency(role: Role, agency_id: int | None) -> None:
    if role in AGENCY_ROLES and agency_id is None:
        raise Invalid(f"a user with role {role.value} must belong to an agency", field="agency_id")


async def create_user(actor: Actor, data: UserCreate) -> UserRead:
    """Add a user. Email addresses are unique, compared without case."""
    await access.require(actor, access.Record.USER, access.Right.CREATE)
    email = data.email.lower()
    _check_role_agency(data.role, data.agency_id)
    async with db.transaction():
        if data.agency_id is not None:
            await require_exists(Agency, data.agency_id, "agency_id", "agency")
        if await User.exists().where(User.email == email):
            raise Conflict(f"a user with email {email} already exists", field="email")
        row = User(
            email=email, full_name=data.full_name, role=data.role.value, agency=data.agency_id
        )
        await row.save()
        await record_event(actor, "created", "user", row.id, {"role": data.role.value})
    return await get_user(actor, row.id)


async def get_user(actor: Actor, user_id: int) -> UserRead:
    await access.check(actor, access.Record.USER, user_id)
    row = await User.select(*_USER_COLUMNS).where(User.id == user_id).first()
    if row is None:
        raise NotFound(f"user {user_id} not found")
    return to_struct(row, UserRead)


async def list_users(
    actor: Actor, page: PageParams, role: Role | None = None, agency_id: int | None = None
) -> Page[UserRead]:
    rows, total = await fetch_page(
        User.select(*_USER_COLUMNS).order_by(User.full_name),
        User.count(),
        page,
        await access.visible(actor, access.Record.USER),
        User.role == role.value if role else None,
        User.agency == agency_id if agency_id else None,
    )
    return Page.of([to_struct(r, UserRead) for r in rows], total, page)


async def update_user(actor: Actor, user_id: int, data: UserUpdate) -> UserRead:
    await access.check(actor, access.Record.USER, user_id, access.Right.MANAGE)
    changes: dict[str, Any] = set_fields(data)
    async with db.transaction():
        current = await fetch_row(User, user_id, "user")
        if "agency_id" in changes:
            agency_id = changes.pop("agency_id")
            if agency_id is not None:
                await require_exists(Agency, agency_id, "agency_id", "agency")
            changes["agency"] = agency_id
        role = Role(changes.get("role", current["role"]))
        _check_role_agency(role, changes.get("agency", current["agency"]))
        if changes:
            await User.update(cast(dict[Any, Any], changes)).where(User.id == user_id)
            await record_event(actor, "updated", "user", user_id, {"fields": sorted(changes)})
        if changes.get("active") is False:
            await end_user_sessions(user_id)  # disabling a user ends their sessions at once
    return await get_user(actor, user_id)


_REPRESENTATIVE_COLUMNS = (
    AgencyRepresentative.id,
    AgencyRepresentative.agency.as_alias("agency_id"),
    AgencyRepresentative.user.as_alias("user_id"),
    AgencyRepresentative.user.full_name.as_alias("full_name"),
    AgencyRepresentative.user.email.as_alias("email"),
    AgencyRepresentative.kind,
)


async def add_representative(
    actor: Actor, agency_id: int, data: RepresentativeCreate
) -> RepresentativeRead:
    """Name a member of the agency as its representative or as a deputy."""
    await access.check(actor, access.Record.AGENCY, agency_id, access.Right.MANAGE)
    async with db.transaction():
        await fetch_row(Agency, agency_id, "agency")
        user = await fetch_row(User, data.user_id, "user")
        if user["agency"] != agency_id:
            raise Invalid("the user is not a member of this agency", field="user_id")
        duplicate = AgencyRepresentative.exists().where(
            (AgencyRepresentative.agency == agency_id) & (AgencyRepresentative.user == data.user_id)
        )
        if await duplicate:
            raise Conflict("the user already represents this agency", field="user_id")
        row = AgencyRepresentative(agency=agency_id, user=data.user_id, kind=data.kind.value)
        await row.save()
        await record_event(actor, "created", "agency_representative", row.id)
    found = (
        await AgencyRepresentative.select(*_REPRESENTATIVE_COLUMNS)
        .where(AgencyRepresentative.id == row.id)
        .first()
    )
    assert found is not None
    return to_struct(found, RepresentativeRead)


async def list_representatives(
    actor: Actor, agency_id: int, page: PageParams
) -> Page[RepresentativeRead]:
    await access.check(actor, access.Record.AGENCY, agency_id)
    await fetch_row(Agency, agency_id, "agency")
    rows, total = await fetch_page(
        AgencyRepresentative.select(*_REPRESENTATIVE_COLUMNS).order_by(
            AgencyRepresentative.kind, AgencyRepresentative.id
        ),
        AgencyRepresentative.count(),
        page,
        AgencyRepresentative.agency == agency_id,
    )
    return Page.of([to_struct(r, RepresentativeRead) for r in rows], total, page)


async def remove_representative(actor: Actor, agency_id: int, representative_id: int) -> None:
    await access.check(actor, access.Record.AGENCY, agency_id, access.Right.MANAGE)
    async with db.transaction():
        row = await fetch_row(AgencyRepresentative, representative_id, "representative")
        if row["agency"] != agency_id:
            raise NotFound(f"representative {representative_id} not found")
        await AgencyRepresentative.delete().where(AgencyRepresentative.id == representative_id)
        await record_event(actor, "deleted", "agency_representative", representative_id)
