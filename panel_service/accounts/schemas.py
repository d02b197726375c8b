"""Request and response shapes for users and agency representatives."""

from __future__ import annotations

from datetime import datetime

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
