"""The document verbs: check access, gather what the caller may see, build the document off
the event loop, audit the download, and hand back bytes with a server-chosen file name.

Access comes first, outside any transaction (so a refusal stays on record); the audit
events are written only once the document exists, in one transaction: "downloaded" on the
meeting (or the agency) naming the kind of document and the recipient agency, and, as
``read_agenda`` does, "viewed_on_agenda" for each case and subject the agenda shows (for
the minutes, as ``get_minutes`` does, "viewed_minutes").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import quote

import anyio.to_thread
import msgspec

from panel_service import access, db
from panel_service.accounts.actor import SYSTEM, Actor
from panel_service.audit.trail import record_event, record_events
from panel_service.documents import gather
from panel_service.documents.actions import (
    MeetingActionsContent,
    build_agency_actions,
    build_meeting_actions,
)
from panel_service.documents.agenda import build_agenda
from panel_service.documents.agenda_content import AgendaContent
from panel_service.documents.minutes import (
    MinutesContent,
    agency_minutes,
    build_minutes_document,
)
from panel_service.documents.render import pdf_available, render_pdf
from panel_service.documents.templates import base_document
from panel_service.documents.text import xml_safe
from panel_service.errors import Conflict, Invalid, NotFound
from panel_service.meetings.tables import Meeting, MeetingStatus
from panel_service.minutes.schemas import MinutesData
from panel_service.minutes.versions import current_minutes
from panel_service.settings import get_settings

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MEDIA_TYPE = "application/pdf"
# The meeting has minutes once it sits: from then on they can be downloaded.
MINUTED_STATUSES = frozenset(
    {
        MeetingStatus.IN_SESSION,
        MeetingStatus.MINUTES_DRAFTED,
        MeetingStatus.MINUTES_APPROVED,
        MeetingStatus.MINUTES_CIRCULATED,
    }
)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Disclosed:
    """The cases and perpetrator subjects a document shows."""

    cases: tuple[int, ...] = ()
    subjects: tuple[int, ...] = ()

    @classmethod
    def of(cls, items: Sequence[Any]) -> Disclosed:
        """What a document of these agenda or minutes items shows."""
        return cls(
            cases=tuple(sorted({i.case.id for i in items if i.case})),
            subjects=tuple(sorted({i.subject.id for i in items if i.subject})),
        )


class DocumentFormat(StrEnum):
    DOCX = "docx"
    PDF = "pdf"


@dataclass(frozen=True, slots=True)
class DocumentFile:
    content: bytes
    filename: str
    media_type: str


def check_format(format_: DocumentFormat) -> None:
    if format_ is DocumentFormat.PDF and not pdf_available():
        raise Invalid(
            "PDF is not available here (LibreOffice is not installed); ask for docx",
            field="format",
        )


async def _build(builder: Callable[[T, Any], bytes], content: T, kind: str) -> bytes:
    """Build off the event loop: python-docx is CPU-bound."""
    base = base_document(get_settings().templates_dir, kind)
    return await anyio.to_thread.run_sync(functools.partial(builder, content, base))


async def _finish(docx: bytes, format_: DocumentFormat, stem: str) -> DocumentFile:
    if format_ is DocumentFormat.PDF:
        return DocumentFile(await render_pdf(docx), f"{stem}.pdf", PDF_MEDIA_TYPE)
    return DocumentFile(docx, f"{stem}.docx", DOCX_MEDIA_TYPE)


async def _audit_agenda(
    actor: Actor,
    content: AgendaContent,
    kind: str,
    format_: DocumentFormat,
    agency_id: int | None,
) -> None:
    agenda = content.agenda
    detail: dict[str, Any] = {"document": kind, "agency_id": agency_id, "format": format_.value}
    seen = {"meeting_id": agenda.meeting_id, "document": kind}
    shown = Disclosed.of(agenda.items)
    async with db.transaction():
        await record_events(actor, "viewed_on_agenda", "case", list(shown.cases), seen)
        await record_events(
            actor, "viewed_on_agenda", "perpetrator_subject", list(shown.subjects), seen
        )
        await record_event(
            actor,
            "downloaded",
            "meeting",
            agenda.meeting_id,
            detail,
            recipients=[content.agency] if content.agency else None,
        )


async def agenda_document(
    actor: Actor, meeting_id: int, format_: DocumentFormat = DocumentFormat.DOCX
) -> DocumentFile:
    """The full agenda: for the chair and coordinators (the meeting's staff) only."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    check_format(format_)
    content = await gather.agenda_content(actor, meeting_id, None)
    docx = await _build(build_agenda, content, "agenda")
    result = await _finish(docx, format_, _agenda_stem(content))
    await _audit_agenda(actor, content, "agenda", format_, None)
    return result


async def agency_agenda_document(
    actor: Actor, meeting_id: int, agency_id: int, format_: DocumentFormat = DocumentFormat.DOCX
) -> DocumentFile:
    """One agency's extract of the agenda: only the cases it is party to."""
    await access.check_agency_document(actor, meeting_id, agency_id)
    check_format(format_)
    content = await gather.agenda_content(actor, meeting_id, agency_id)
    docx = await _build(build_agenda, content, "agenda")
    result = await _finish(docx, format_, _agenda_stem(content))
    await _audit_agenda(actor, content, "agency_agenda", format_, agency_id)
    return result


async def meeting_actions_document(
    actor: Actor, meeting_id: int, agency_id: int, format_: DocumentFormat = DocumentFormat.DOCX
) -> DocumentFile:
    """One agency's actions agreed at, and reviewed at, one meeting."""
    await access.check_agency_document(actor, meeting_id, agency_id)
    check_format(format_)
    content = await gather.meeting_actions_content(actor, meeting_id, agency_id)
    docx = await _build(build_meeting_actions, content, "actions")
    result = await _finish(docx, format_, _actions_stem(content))
    async with db.transaction():
        await record_event(
            actor,
            "downloaded",
            "meeting",
            meeting_id,
            {
                "document": "agency_actions",
                "agency_id": agency_id,
                "format": format_.value,
                "actions": len(content.agreed) + len(content.reviewed),
            },
            recipients=[content.agency],
        )
    return result


async def agency_actions_document(
    actor: Actor, agency_id: int, format_: DocumentFormat = DocumentFormat.DOCX
) -> DocumentFile:
    """Every open action of one agency that the caller may see."""
    await access.check_agency_actions(actor, agency_id)
    check_format(format_)
    content = await gather.agency_actions_content(actor, agency_id)
    docx = await _build(build_agency_actions, content, "actions")
    stem = f"{content.agency} open actions {content.produced_on.isoformat()}"
    result = await _finish(docx, format_, stem)
    async with db.transaction():
        await record_event(
            actor,
            "downloaded",
            access.Record.AGENCY.value,
            agency_id,
            {
                "document": "agency_open_actions",
                "agency_id": agency_id,
                "format": format_.value,
                "actions": len(content.open),
            },
            recipients=[content.agency],
        )
    return result


async def _minutes_of(meeting_id: int, version: int | None) -> MinutesData:
    """The minutes as ``current_minutes`` reads them: 409 before the meeting has sat (no
    minutes yet), 404 for a version that was never approved."""
    row = await Meeting.select(Meeting.status).where(Meeting.id == meeting_id).first()
    if row is None:
        raise NotFound(f"meeting {meeting_id} not found")
    status = MeetingStatus(row["status"])
    if status not in MINUTED_STATUSES:
        raise Conflict(f"the meeting is {status.value}: it has no minutes until it is in session")
    minutes = await current_minutes(meeting_id, version)
    if minutes is None:
        raise NotFound(f"meeting {meeting_id} has no minutes version {version}")
    return minutes


async def _audit_minutes(
    actor: Actor,
    content: MinutesContent,
    kind: str,
    format_: DocumentFormat,
    agency_id: int | None,
) -> None:
    """ "downloaded" on the meeting (with the recipient agency for an extract) and, as
    ``get_minutes`` does, "viewed_minutes" on each case and subject the document shows."""
    minutes = content.minutes
    shown = _minutes_shown(content)
    seen = {"meeting_id": minutes.meeting.id, "document": kind, "version": minutes.version}
    detail: dict[str, Any] = {
        "document": kind,
        "agency_id": agency_id,
        "format": format_.value,
        "version": minutes.version,
    }
    async with db.transaction():
        for record_type, ids in (
            (access.Record.CASE.value, shown.cases),
            (access.Record.SUBJECT.value, shown.subjects),
        ):
            await record_events(actor, "viewed_minutes", record_type, list(ids), seen)
        await record_event(
            actor,
            "downloaded",
            "meeting",
            minutes.meeting.id,
            detail,
            recipients=[content.agency] if content.agency else None,
        )


def _minutes_shown(content: MinutesContent) -> Disclosed:
    return Disclosed.of([*content.minutes.actions_review, *content.minutes.items])


def _minutes_stem(content: MinutesContent) -> str:
    minutes = content.minutes
    meeting = minutes.meeting
    marked = "draft" if minutes.version is None else f"version {minutes.version}"
    stem = f"{meeting.panel_name} minutes {meeting.day.isoformat()} {marked}"
    return f"{stem} {content.agency}" if content.agency else stem


async def minutes_document(
    actor: Actor,
    meeting_id: int,
    version: int | None = None,
    format_: DocumentFormat = DocumentFormat.DOCX,
) -> DocumentFile:
    """The full minutes (an approved version, or as they stand): for the meeting's chair
    and coordinators only."""
    await access.check(actor, access.Record.MEETING, meeting_id, access.Right.MANAGE)
    check_format(format_)
    minutes = await _minutes_of(meeting_id, version)
    content = MinutesContent(minutes=minutes, produced_on=date.today())
    docx = await _build(build_minutes_document, content, "minutes")
    result = await _finish(docx, format_, _minutes_stem(content))
    await _audit_minutes(actor, content, "minutes", format_, None)
    return result


async def agency_minutes_document(
    actor: Actor,
    meeting_id: int,
    agency_id: int,
    version: int | None = None,
    format_: DocumentFormat = DocumentFormat.DOCX,
) -> DocumentFile:
    """One agency's extract of the minutes (``panel_service.documents.minutes`` states
    what it holds): only the listings it is party to, never the victim's voice nor what
    other agencies shared."""
    await access.check_agency_document(actor, meeting_id, agency_id)
    check_format(format_)
    agency = await gather.agency_name(agency_id)
    minutes = await _minutes_of(meeting_id, version)
    if not access.sees_every_listing(actor):
        # An IDVA keeps only their own cases' listings, as on the agenda.
        listed = [i.listing_id for i in (*minutes.actions_review, *minutes.items)]
        shown = await access.visible_ids(actor, access.Record.LISTING, listed)
        minutes = msgspec.structs.replace(
            minutes,
            actions_review=[i for i in minutes.actions_review if i.listing_id in shown],
            items=[i for i in minutes.items if i.listing_id in shown],
        )
    content = MinutesContent(
        minutes=agency_minutes(minutes, agency_id), produced_on=date.today(), agency=agency
    )
    docx = await _build(build_minutes_document, content, "minutes")
    result = await _finish(docx, format_, _minutes_stem(content))
    await _audit_minutes(actor, content, "agency_minutes", format_, agency_id)
    return result


def _agenda_stem(content: AgendaContent) -> str:
    agenda = content.agenda
    stem = f"{agenda.panel_name} agenda {agenda.starts_at.date().isoformat()}"
    return f"{stem} {content.agency}" if content.agency else stem


# --- file names (RFC 6266) -------------------------------------------------------------
# Path separators, quotes, controls, and the bidirectional controls that can disguise a
# file's real extension ("\u202eexe.docx").
_UNSAFE_IN_NAME = re.compile(
    r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+'
)
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9 ._()+,=@-]+")
_MAX_STEM = 120


def content_disposition(filename: str) -> str:
    """``attachment`` with a plain ASCII ``filename`` for old clients and the exact name as
    UTF-8 in ``filename*`` (RFC 6266, RFC 8187). Characters that are unsafe in a file name
    (path separators, quotes, controls) are replaced; the name is the server's, never the
    caller's."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    stem = _UNSAFE_IN_NAME.sub("_", xml_safe(stem)).strip(" ._") or "document"
    stem = " ".join(stem.split())[:_MAX_STEM].rstrip(" ._")
    exact = f"{stem}.{extension}" if extension else stem
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    plain = " ".join(_NOT_PLAIN.sub("_", folded).split()).strip(" ._") or "document"
    fallback = f"{plain}.{extension}" if extension else plain
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(exact, safe='')}"


# --- documents for sending (the dispatcher builds what each agency receives) ------------
# The caller has decided who receives them (``messaging``) and audits the disclosure when
# the relay accepts the message: here nothing is checked or audited.


async def agenda_extracts_for(meeting_id: int, agency_ids: list[int]) -> dict[int, AgendaContent]:
    """What each agency's agenda extract shows, read at once for all of them."""
    return await gather.agency_agenda_contents(SYSTEM, meeting_id, agency_ids)


async def agenda_extract_file(content: AgendaContent) -> tuple[DocumentFile, Disclosed]:
    """One agency's agenda extract as a .docx, and what it shows."""
    docx = await _build(build_agenda, content, "agenda")
    file = DocumentFile(docx, f"{_agenda_stem(content)}.docx", DOCX_MEDIA_TYPE)
    return file, Disclosed.of(content.agenda.items)


async def minutes_extract_for(
    meeting_id: int, agency_id: int, version: int | None
) -> tuple[DocumentFile, Disclosed]:
    """One agency's extract of the minutes (version ``version``) as a .docx."""
    minutes = await _minutes_of(meeting_id, version)
    content = MinutesContent(
        minutes=agency_minutes(minutes, agency_id),
        produced_on=date.today(),
        agency=await gather.agency_name(agency_id),
    )
    docx = await _build(build_minutes_document, content, "minutes")
    file = DocumentFile(docx, f"{_minutes_stem(content)}.docx", DOCX_MEDIA_TYPE)
    return file, _minutes_shown(content)


async def meeting_actions_for(meeting_id: int, agency_id: int) -> DocumentFile:
    """One agency's actions agreed and reviewed at a meeting, as a .docx."""
    content = await gather.meeting_actions_content(SYSTEM, meeting_id, agency_id)
    docx = await _build(build_meeting_actions, content, "actions")
    return DocumentFile(docx, f"{_actions_stem(content)}.docx", DOCX_MEDIA_TYPE)


def _actions_stem(content: MeetingActionsContent) -> str:
    return f"{content.panel_name} actions {content.meeting_day.isoformat()} {content.agency}"
