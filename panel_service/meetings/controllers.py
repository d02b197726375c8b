"""HTTP for meetings, their agendas, listings, attendance and the victim's voice."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get, post, put
from litestar.di import Provide

from panel_service.accounts.actor import Actor
from panel_service.meetings import attendance, lifecycle, listings, services, victim_voice
from panel_service.meetings.agenda import read_agenda
from panel_service.meetings.schemas import (
    AgendaRead,
    AttendanceRead,
    AttendanceUpdate,
    ListingCreate,
    ListingOutcomeUpdate,
    ListingRead,
    MeetingCancel,
    MeetingCreate,
    MeetingRead,
    MeetingReschedule,
    MeetingsFromSchedule,
    ObserverCreate,
    VictimVoiceRead,
    VictimVoiceSubmit,
)
from panel_service.meetings.tables import MeetingStatus
from panel_service.pagination import Page, PageParams, provide_page


class MeetingController(Controller):
    path = "/api/meetings"
    tags = ["meetings"]
    dependencies = {"page": Provide(provide_page, sync_to_thread=False)}

    @get()
    async def list_meetings(
        self,
        actor: Actor,
        page: PageParams,
        panel_id: int | None = None,
        status: MeetingStatus | None = None,
        starts_from: datetime | None = None,
        starts_to: datetime | None = None,
    ) -> Page[MeetingRead]:
        return await services.list_meetings(actor, page, panel_id, status, starts_from, starts_to)

    @post()
    async def create_meeting(self, actor: Actor, data: MeetingCreate) -> MeetingRead:
        return await services.create_meeting(actor, data)

    @post("/from-schedule")
    async def create_meetings_from_schedule(
        self, actor: Actor, data: MeetingsFromSchedule
    ) -> list[MeetingRead]:
        """Create the meetings the panel's schedule gives up to a date (idempotent)."""
        return await services.create_meetings_from_schedule(actor, data)

    @get("/{meeting_id:int}")
    async def get_meeting(self, actor: Actor, meeting_id: int) -> MeetingRead:
        return await services.get_meeting(actor, meeting_id)

    @get("/{meeting_id:int}/agenda")
    async def get_agenda(self, actor: Actor, meeting_id: int) -> AgendaRead:
        """The agenda in panel order, with slots, victim-voice status, open actions and
        attendance."""
        return await read_agenda(actor, meeting_id)

    @post("/{meeting_id:int}/reschedule", status_code=200)
    async def reschedule_meeting(
        self, actor: Actor, meeting_id: int, data: MeetingReschedule
    ) -> MeetingRead:
        return await services.reschedule_meeting(actor, meeting_id, data)

    @post("/{meeting_id:int}/publish-agenda", status_code=200)
    async def publish_agenda(self, actor: Actor, meeting_id: int) -> MeetingRead:
        """Refused (409, listing the blocking cases) while a case lacks the victim's voice."""
        return await lifecycle.publish_agenda(actor, meeting_id)

    @post("/{meeting_id:int}/start", status_code=200)
    async def start_meeting(self, actor: Actor, meeting_id: int) -> MeetingRead:
        return await lifecycle.start_meeting(actor, meeting_id)

    @post("/{meeting_id:int}/close", status_code=200)
    async def close_meeting(self, actor: Actor, meeting_id: int) -> MeetingRead:
        """End the sitting; incomplete actions roll forward to the next meeting."""
        return await lifecycle.close_meeting(actor, meeting_id)

    @post("/{meeting_id:int}/approve-minutes", status_code=200)
    async def approve_minutes(self, actor: Actor, meeting_id: int) -> MeetingRead:
        return await lifecycle.approve_minutes(actor, meeting_id)

    @post("/{meeting_id:int}/circulate-minutes", status_code=200)
    async def circulate_minutes(self, actor: Actor, meeting_id: int) -> MeetingRead:
        return await lifecycle.circulate_minutes(actor, meeting_id)

    @post("/{meeting_id:int}/cancel", status_code=200)
    async def cancel_meeting(
        self, actor: Actor, meeting_id: int, data: MeetingCancel
    ) -> MeetingRead:
        return await lifecycle.cancel_meeting(actor, meeting_id, data)

    @post("/{meeting_id:int}/roll-forward", status_code=200)
    async def roll_forward_actions(self, actor: Actor, meeting_id: int) -> list[ListingRead]:
        """List cases with open actions for review at the panel's next meeting."""
        return await listings.roll_forward_actions(actor, meeting_id)

    @get("/{meeting_id:int}/listings")
    async def list_listings(
        self, actor: Actor, meeting_id: int, page: PageParams
    ) -> Page[ListingRead]:
        return await listings.list_listings(actor, meeting_id, page)

    @post("/{meeting_id:int}/listings")
    async def add_listing(self, actor: Actor, meeting_id: int, data: ListingCreate) -> ListingRead:
        return await listings.add_listing(actor, meeting_id, data)

    @get("/{meeting_id:int}/attendance")
    async def list_attendance(
        self, actor: Actor, meeting_id: int, page: PageParams
    ) -> Page[AttendanceRead]:
        return await attendance.list_attendance(actor, meeting_id, page)

    @put("/{meeting_id:int}/attendance/{agency_id:int}")
    async def record_attendance(
        self, actor: Actor, meeting_id: int, agency_id: int, data: AttendanceUpdate
    ) -> AttendanceRead:
        return await attendance.record_attendance(actor, meeting_id, agency_id, data)

    @post("/{meeting_id:int}/observers")
    async def add_observer(
        self, actor: Actor, meeting_id: int, data: ObserverCreate
    ) -> AttendanceRead:
        return await attendance.add_observer(actor, meeting_id, data)


class ListingController(Controller):
    path = "/api/listings"
    tags = ["listings"]

    @get("/{listing_id:int}")
    async def get_listing(self, actor: Actor, listing_id: int) -> ListingRead:
        return await listings.get_listing(actor, listing_id)

    @post("/{listing_id:int}/outcome", status_code=200)
    async def set_listing_outcome(
        self, actor: Actor, listing_id: int, data: ListingOutcomeUpdate
    ) -> ListingRead:
        return await listings.set_listing_outcome(actor, listing_id, data)

    @get("/{listing_id:int}/victim-voice")
    async def get_victim_voice(self, actor: Actor, listing_id: int) -> VictimVoiceRead:
        return await victim_voice.get_victim_voice(actor, listing_id)

    @put("/{listing_id:int}/victim-voice")
    async def record_victim_voice(
        self, actor: Actor, listing_id: int, data: VictimVoiceSubmit
    ) -> VictimVoiceRead:
        """The IDVA records the victim's voice, or the reason it could not be obtained."""
        return await victim_voice.record_victim_voice(actor, listing_id, data)


class CaseListingController(Controller):
    path = "/api/cases/{case_id:int}/listings"
    tags = ["listings"]

    @post("/next-meeting")
    async def list_on_next_meeting(
        self, actor: Actor, case_id: int, lapse_review: bool = False
    ) -> ListingRead:
        """List the case on the next meeting with room and enough research time."""
        return await listings.list_on_next_meeting(actor, case_id, lapse_review)
