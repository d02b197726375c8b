"""Who attended a meeting, for which agency, and whether they signed the confidentiality
statement (the signature list is part of the record)."""

from __future__ import annotations

from typing import Any, cast

from panel_service import access, db
from panel_service.accounts.actor import Actor
from panel_service.accounts.tables import User
from panel_service.agencies.tables import Agency
from panel_service.audit.trail import record_event
from panel_service.errors import Conflict, Invalid
from panel_service.meetings.schemas import AttendanceRead, AttendanceUpdate, ObserverCreate
from panel_service.meetings.tables import Attendance, AttendanceStatus, Meeting, MeetingStatus
from panel_service.pagination import Page, PageParams, fetch_page
from panel_service.records import fetch_row, require_exists, to_struct

_COLUMNS = (
    Attendance.id,
    Attendance.meeting.as_alias("meeting_id"),
    Attendance.agency.as_alias("agency_id"),
    Attendance.agency.name.as_alias("agency_name"),
    Attendance.representative.as_alias("representative_id"),
    Attendance.attendee_name,
    Attendance.status,
    Attendance.information_sent_on,
    Attendance.confidentiality_signed,
)
# Only people in the room can sign the statement.
IN_THE_ROOM = (AttendanceStatus.PRESENT, AttendanceStatus.OBSERVER)
CLOSED = (MeetingStatus.MINUTES_APPROVED, MeetingStatus.MINUTES_CIRCULATED, MeetingStatus.CANCELLED)


async def list_attendance(actor: Actor, meeting_id: int, page: PageParams) -> Page[AttendanceRead]:
    await access.check(actor, access.Record.MEETING, meeting_id)
    await fetch_row(Meeting, meeting_id, "meeting")
    rows, total = await fetch_page(
        Attendance.select(*_COLUMNS).order_by(Attendance.id),
        Attendance.count(),
        page,
        Attendance.meeting == meeting_id,
    )
    return Page.of([to_struct(r, AttendanceRead) for r in rows], total, page)


async def _read_one(attendance_id: int) -> AttendanceRead:
    row = await Attendance.select(*_COLUMNS).where(Attendance.id == attendance_id).first()
    assert row is not None
    return to_struct(row, AttendanceRead)


async def _open_meeting(meeting_id: int) -> dict[str, Any]:
    meeting = await fetch_row(Meeting, meeting_id, "meeting")
    if MeetingStatus(meeting["status"]) in CLOSED:
        raise Conflict(f"the meeting is {meeting['status']}: attendance is final")
    return meeting


async def _check_representative(agency_id: int, user_id: int | None) -> str:
    if user_id is None:
        return ""
    user = await User.select(User.agency, User.full_name).where(User.id == user_id).first()
    if user is None or user["agency"] != agency_id:
        raise Invalid(
            "the representative must be a member of the agency", field="representative_id"
        )
    return str(user["full_name"])


def _check_update(data: AttendanceUpdate) -> None:
    if data.status == AttendanceStatus.OBSERVER:
        raise Invalid("observers are recorded separately", field="status")
    if (
        data.status == AttendanceStatus.APOLOGIES_INFORMATION_SENT
        and data.information_sent_on is None
    ):
        raise Invalid("say when the information was sent", field="information_sent_on")
    if data.confidentiality_signed and data.status not in IN_THE_ROOM:
        raise Invalid(
            "only people present can sign the confidentiality statement",
            field="confidentiality_signed",
        )


async def record_attendance(
    actor: Actor, meeting_id: int, agency_id: int, data: AttendanceUpdate
) -> AttendanceRead:
    """Record an agency's attendance (invited, present, apologies, information sent, absent);
    an agency not invited by default is added."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    _check_update(data)
    async with db.transaction():
        await _open_meeting(meeting_id)
        await require_exists(Agency, agency_id, "agency_id", "agency")
        name = data.attendee_name or await _check_representative(agency_id, data.representative_id)
        if data.status == AttendanceStatus.PRESENT and not name:
            raise Invalid("name who attended for the agency", field="attendee_name")
        values: dict[str, Any] = {
            "status": data.status.value,
            "representative": data.representative_id,
            "attendee_name": name,
            "information_sent_on": data.information_sent_on,
            "confidentiality_signed": data.confidentiality_signed,
        }
        existing = (
            await Attendance.select(Attendance.id)
            .where((Attendance.meeting == meeting_id) & (Attendance.agency == agency_id))
            .first()
        )
        if existing:
            attendance_id = existing["id"]
            await Attendance.update(cast(dict[Any, Any], values)).where(
                Attendance.id == attendance_id
            )
        else:
            row = Attendance(meeting=meeting_id, agency=agency_id, **values)
            await row.save()
            attendance_id = row.id
        await record_event(
            actor, "recorded", "attendance", attendance_id, {"status": data.status.value}
        )
    return await _read_one(attendance_id)


async def add_observer(actor: Actor, meeting_id: int, data: ObserverCreate) -> AttendanceRead:
    """Record an observer (recorded apart from agency attendance)."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    async with db.transaction():
        await _open_meeting(meeting_id)
        if data.agency_id is not None:
            await require_exists(Agency, data.agency_id, "agency_id", "agency")
            taken = await Attendance.exists().where(
                (Attendance.meeting == meeting_id) & (Attendance.agency == data.agency_id)
            )
            if taken:
                raise Conflict("the agency already has an attendance record", field="agency_id")
        row = Attendance(
            meeting=meeting_id,
            agency=data.agency_id,
            attendee_name=data.attendee_name,
            status=AttendanceStatus.OBSERVER.value,
            confidentiality_signed=data.confidentiality_signed,
        )
        await row.save()
        await record_event(actor, "recorded", "attendance", row.id, {"status": "observer"})
    return await _read_one(row.id)
