"""Response shape for audit events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class AuditEventRead(msgspec.Struct):
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_label: str
    agency_id: int | None
    api_token_id: int | None
    verb: str
    record_type: str
    record_id: int
    detail: dict[str, Any]
    reason: str
    recipients: list[str]
