"""Approved versions of a meeting's minutes: each approval stores the next version, locked,
with the full minutes as built at that moment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from panel_service.accounts.actor import Actor
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict
from panel_service.minutes.build import build_minutes, content_digest
from panel_service.minutes.schemas import MinutesData
from panel_service.minutes.tables import MinutesVersion


async def latest_version(meeting_id: int) -> dict[str, Any] | None:
    """The number and content digest of the meeting's latest approved version, if any."""
    return (
        await MinutesVersion.select(MinutesVersion.number, MinutesVersion.content_digest)
        .where(MinutesVersion.meeting == meeting_id)
        .order_by(MinutesVersion.number, ascending=False)
        .first()
    )


async def read_snapshot(meeting_id: int, number: int) -> MinutesData | None:
    """Version ``number`` of the meeting's minutes exactly as approved, or None."""
    row = (
        await MinutesVersion.select(MinutesVersion.snapshot)
        .where((MinutesVersion.meeting == meeting_id) & (MinutesVersion.number == number))
        .first()
    )
    if row is None:
        return None
    snapshot = row["snapshot"]
    if isinstance(snapshot, str | bytes):
        return msgspec.json.decode(snapshot, type=MinutesData)
    return msgspec.convert(snapshot, MinutesData)


async def current_minutes(
    meeting_id: int, version: int | None = None, now: datetime | None = None
) -> MinutesData | None:
    """What a reader of the minutes gets (no access check, no audit: the caller does both):
    version ``version`` as approved (None if there is no such version); without one, the
    latest approved version if nothing has changed since, else the live draft."""
    if version is not None:
        return await read_snapshot(meeting_id, version)
    minutes = await build_minutes(meeting_id, now)
    latest = await latest_version(meeting_id)
    if latest is not None and latest["content_digest"] == content_digest(minutes):
        return await read_snapshot(meeting_id, latest["number"]) or minutes
    return minutes


async def store_approved_version(
    actor: Actor, meeting_id: int, again: bool, now: datetime | None = None
) -> int:
    """Store the next version of the minutes as they stand; call inside the approving
    transaction. ``again``: the minutes were approved before, so a new version is made
    only if what they record has changed since the latest one (409 otherwise)."""
    now = now or datetime.now(UTC)
    latest = await latest_version(meeting_id)
    minutes = await build_minutes(meeting_id, now)
    digest = content_digest(minutes)
    if again and latest is not None and latest["content_digest"] == digest:
        raise Conflict(
            f"the minutes have not changed since version {latest['number']} was approved"
        )
    number = (latest["number"] if latest else 0) + 1
    snapshot = msgspec.structs.replace(
        minutes,
        version=number,
        approved_at=now,
        approved_by_id=actor.user_id,
        approved_by_name=actor.label,
    )
    version = MinutesVersion(
        meeting=meeting_id,
        number=number,
        approved_at=now,
        approved_by=actor.user_id,
        content_digest=digest,
        snapshot=msgspec.json.encode(snapshot).decode(),
    )
    await version.save()
    await record_event(
        actor,
        "approved",
        "minutes_version",
        version.id,
        {"meeting_id": meeting_id, "version": number},
    )
    return number
