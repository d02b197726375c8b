"""HTTP for minutes: each listing's minutes, and a meeting's minutes and their versions."""

from __future__ import annotations

from litestar import Controller, get, put

from panel_service.accounts.actor import Actor
from panel_service.minutes import services
from panel_service.minutes.schemas import (
    ListingMinutesRead,
    ListingMinutesWrite,
    MinutesData,
    MinutesVersionRead,
)


class MinutesController(Controller):
    path = "/api"
    tags = ["minutes"]

    @get("/listings/{listing_id:int}/minutes")
    async def get_listing_minutes(self, actor: Actor, listing_id: int) -> ListingMinutesRead:
        """The risks identified and information shared, with the revision to save from."""
        return await services.get_listing_minutes(actor, listing_id)

    @put("/listings/{listing_id:int}/minutes")
    async def save_listing_minutes(
        self, actor: Actor, listing_id: int, data: ListingMinutesWrite
    ) -> ListingMinutesRead:
        """Save from ``revision``; 409 naming ``revision`` if someone saved in between."""
        return await services.save_listing_minutes(actor, listing_id, data)

    @get("/meetings/{meeting_id:int}/minutes")
    async def get_minutes(
        self, actor: Actor, meeting_id: int, version: int | None = None
    ) -> MinutesData:
        """The full minutes (chair and coordinators): an approved version, or the latest
        one unless the minutes changed since (then the live draft, version null)."""
        return await services.get_minutes(actor, meeting_id, version)

    @get("/meetings/{meeting_id:int}/minutes/versions")
    async def list_minutes_versions(
        self, actor: Actor, meeting_id: int
    ) -> list[MinutesVersionRead]:
        return await services.list_versions(actor, meeting_id)
