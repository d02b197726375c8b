"""Small pieces every service uses to move rows in and out of msgspec structs."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from piccolo.table import Table

from panel_service.errors import NotFound

S = TypeVar("S")


def to_struct(row: dict[str, Any], struct: type[S]) -> S:
    """Convert a selected row to a response struct (extra columns are ignored)."""
    return msgspec.convert(row, struct, strict=False)


def set_fields(update: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body actually sent."""
    return {
        name: value
        for name, value in msgspec.structs.asdict(update).items()
        if value is not msgspec.UNSET
    }


async def fetch_row(table: type[Table], record_id: int, what: str) -> dict[str, Any]:
    """One row as a dict, or ``NotFound`` naming the kind of record."""
    row = (
        await table.select()
        .where(table._meta.primary_key == record_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound(f"{what} {record_id} not found")
    return row


async def require_exists(table: type[Table], record_id: int, field: str, what: str) -> None:
    """Refuse a reference to a missing record, naming the request field that made it."""
    if not await table.exists().where(table._meta.primary_key == record_id):
        raise NotFound(f"{what} {record_id} does not exist", field=field)
