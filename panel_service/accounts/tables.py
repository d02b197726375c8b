"""People who use the service, and the agencies they speak for."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
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
    password_hash = Varchar(length=255, null=True, default=None, secret=True)
    # Base32 TOTP secret; set at enrolment, trusted once a first code confirms it.
    totp_secret = Varchar(length=64, null=True, default=None, secret=True)
    totp_enabled = Boolean(default=False)
    # The last TOTP time step accepted: a code is never accepted twice (replay).
    totp_last_step = Integer(null=True, default=None)
    # Demo users only (loaded by the demo loader): the one case where TOTP may be off.
    demo_account = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class UserSession(Table, tablename="user_session"):
    """A server-side session: the cookie carries a random token, the table its hash."""

    id: Serial
    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(null=False, references=User, on_delete=OnDelete.restrict, index=True)
    csrf_token = Varchar(length=64, secret=True)
    # True once the second factor was given (or is not required: demo accounts).
    verified = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)


class RecoveryCode(Table, tablename="recovery_code"):
    """A single-use code that stands in for a TOTP code; stored as a hash."""

    id: Serial
    user = ForeignKey(null=False, references=User, on_delete=OnDelete.restrict, index=True)
    code_hash = Varchar(length=64, unique=True)
    used_at = Timestamptz(null=True, default=None)


class AgencyRepresentative(Table, tablename="agency_representative"):
    """A named person who can commit an agency's resources, or their deputy."""

    id: Serial
    agency = ForeignKey(null=False, references=Agency, on_delete=OnDelete.restrict, index=True)
    user = ForeignKey(null=False, references=User, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=20, choices=RepresentativeKind)


class ApiToken(Table, tablename="api_token"):
    """A credential for an integration: acts for one agency, within a set of permissions.
    The token itself is shown once; the table keeps its hash."""

    id: Serial
    name = Varchar(length=100)
    agency = ForeignKey(null=False, references=Agency, on_delete=OnDelete.restrict, index=True)
    permissions = JSON(default=[])
    token_hash = Varchar(length=64, unique=True, secret=True)
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
