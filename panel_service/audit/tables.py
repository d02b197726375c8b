"""The audit trail: who did what to which record, and when. Rows are never changed."""

from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from panel_service.accounts.tables import User


class AuditEvent(Table, tablename="audit_event"):
    id: Serial
    occurred_at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict, index=True)
    actor_label = Varchar(length=200)
    verb = Varchar(length=40)
    record_type = Varchar(length=40)
    record_id = Integer(index=True)
    detail = JSON(default={})
    reason = Text(default="")
