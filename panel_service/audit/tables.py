"""The audit trail: who did what to which record, and when. Rows are never changed."""

from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from panel_service.accounts.tables import ApiToken, User
from panel_service.agencies.tables import Agency


class AuditEvent(Table, tablename="audit_event"):
    id: Serial
    occurred_at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict, index=True)
    actor_label = Varchar(length=200)
    # The agency the actor acted for, and the API token when an integration acted.
    agency = ForeignKey(references=Agency, null=True, on_delete=OnDelete.restrict)
    api_token = ForeignKey(references=ApiToken, null=True, on_delete=OnDelete.restrict)
    verb = Varchar(length=40)
    record_type = Varchar(length=40)
    # 0 when the event concerns no single record (a refused list or create).
    record_id = Integer(index=True)
    detail = JSON(default={})
    reason = Text(default="")
    # For disclosures: who received the record (addresses or agency names).
    recipients = JSON(default=[])
