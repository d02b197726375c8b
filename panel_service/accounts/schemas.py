"""Request and response shapes for users and agency representatives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from panel_service.accounts.tables import RepresentativeKind, Role
from panel_service.validation import Email, Id, Name


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    full_name: Name
    role: Role
    agency_id: Id | None = None


class UserUpdate(msgspec.Struct, forbid_unknown_fields=True):
    full_name: Name | msgspec.UnsetType = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
    agency_id: Id | msgspec.UnsetType | None = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class UserRead(msgspec.Struct):
    id: int
    email: str
    full_name: str
    role: Role
    agency_id: int | None
    active: bool
    created_at: datetime


class RepresentativeCreate(msgspec.Struct, forbid_unknown_fields=True):
    user_id: Id
    kind: RepresentativeKind = RepresentativeKind.REPRESENTATIVE


class RepresentativeRead(msgspec.Struct):
    id: int
    agency_id: int
    user_id: int
    full_name: str
    email: str
    kind: RepresentativeKind


TokenPermission = Literal["meetings:read", "actions:read", "actions:report"]


class ApiTokenCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    agency_id: Id
    permissions: Annotated[list[TokenPermission], msgspec.Meta(min_length=1, max_length=3)]
    expires_at: datetime | None = None


class ApiTokenRead(msgspec.Struct):
    id: int
    name: str
    agency_id: int
    permissions: list[str]
    created_by_id: int | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiTokenIssued(msgspec.Struct):
    """The token itself appears here once, at creation, and never again."""

    token: str
    details: ApiTokenRead
