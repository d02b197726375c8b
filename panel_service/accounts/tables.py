"""People who use the service, and the agencies they speak for."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Boolean, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from panel_service.agencies.tables import Agency


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    COORDINATOR = "coordinator"
    CHAIR = "chair"
    AGENCY_REPRESENTATIVE = "agency_representative"
    IDVA = "idva"
    CASE_MANAGER = "case_manager"
    SERVICE_MANAGER = "service_manager"


class RepresentativeKind(StrEnum):
    REPRESENTATIVE = "representative"
    DEPUTY = "deputy"


class User(Table, tablename="app_user"):
    id: Serial
    email = Varchar(length=320, unique=True)
    full_name = Varchar(length=200)
    role = Varchar(length=40, choices=Role)
    agency = ForeignKey(references=Agency, null=True, on_delete=OnDelete.restrict, index=True)
    active = Boolean(default=True)
    password_hash = Varchar(length=255, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class AgencyRepresentative(Table, tablename="agency_representative"):
    """A named person who can commit an agency's resources, or their deputy."""

    id: Serial
    agency = ForeignKey(null=False, references=Agency, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(null=False, references=User, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=20, choices=RepresentativeKind)
