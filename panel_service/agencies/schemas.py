"""Request and response shapes for agencies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from panel_service.agencies.tables import AgencyType
from panel_service.validation import Domain, Email, Name

Domains = Annotated[list[Domain], msgspec.Meta(max_length=20)]


ContactName = Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]


class AgencyCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    agency_type: AgencyType
    secure_domains: Domains = msgspec.field(default_factory=list)
    contact_name: ContactName = ""
    contact_email: Email | None = None


class AgencyUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    agency_type: AgencyType | msgspec.UnsetType = msgspec.UNSET
    secure_domains: Domains | msgspec.UnsetType = msgspec.UNSET
    contact_name: (
        Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    contact_email: Email | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class AgencyRead(msgspec.Struct):
    id: int
    name: str
    agency_type: AgencyType
    secure_domains: list[str]
    contact_name: str
    contact_email: str
    active: bool
    created_at: datetime
