"""HTTP for documents: Word (or, where LibreOffice is installed, PDF) downloads with a
server-chosen file name (RFC 6266) and ``Cache-Control: no-store``."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.params import QueryParameter

from panel_service.accounts.actor import Actor
from panel_service.documents import services
from panel_service.documents.services import DocumentFile, DocumentFormat, content_disposition

# Named ``format`` (not ``format_`` with an alias) so that a refusal names the query
# parameter the caller sent.
Format = Annotated[
    DocumentFormat,
    QueryParameter(description="docx (default), or pdf where LibreOffice is installed"),
]

Version = Annotated[
    int | None,
    QueryParameter(description="an approved version's number (default: as they stand)", ge=1),
]


def _download(document: DocumentFile) -> Response[bytes]:
    return Response(
        content=document.content,
        media_type=document.media_type,
        headers={"Content-Disposition": content_disposition(document.filename)},
    )


class DocumentController(Controller):
    path = "/api"
    tags = ["documents"]
    cache_control = CacheControlHeader(no_store=True)

    @get("/meetings/{meeting_id:int}/agenda.docx")
    async def download_agenda(
        self, actor: Actor, meeting_id: int, format: Format = DocumentFormat.DOCX
    ) -> Response[bytes]:
        """The full agenda, for the meeting's chair and coordinators."""
        return _download(await services.agenda_document(actor, meeting_id, format))

    @get("/meetings/{meeting_id:int}/agencies/{agency_id:int}/agenda.docx")
    async def download_agency_agenda(
        self, actor: Actor, meeting_id: int, agency_id: int, format: Format = DocumentFormat.DOCX
    ) -> Response[bytes]:
        """One agency's extract of the agenda: only the cases it is party to."""
        document = await services.agency_agenda_document(actor, meeting_id, agency_id, format)
        return _download(document)

    @get("/meetings/{meeting_id:int}/minutes.docx")
    async def download_minutes(
        self,
        actor: Actor,
        meeting_id: int,
        version: Version = None,
        format: Format = DocumentFormat.DOCX,
    ) -> Response[bytes]:
        """The full minutes, for the meeting's chair and coordinators: approved version
        ``version``, or without one the minutes as they stand (marked draft until
        approved). 409 before the meeting has sat."""
        return _download(await services.minutes_document(actor, meeting_id, version, format))

    @get("/meetings/{meeting_id:int}/agencies/{agency_id:int}/minutes.docx")
    async def download_agency_minutes(
        self,
        actor: Actor,
        meeting_id: int,
        agency_id: int,
        version: Version = None,
        format: Format = DocumentFormat.DOCX,
    ) -> Response[bytes]:
        """One agency's extract of the minutes: only the cases it is party to, its own
        information and actions and the risks identified; never the victim's voice."""
        document = await services.agency_minutes_document(
            actor, meeting_id, agency_id, version, format
        )
        return _download(document)

    @get("/meetings/{meeting_id:int}/agencies/{agency_id:int}/actions.docx")
    async def download_meeting_actions(
        self, actor: Actor, meeting_id: int, agency_id: int, format: Format = DocumentFormat.DOCX
    ) -> Response[bytes]:
        """One agency's actions agreed at, and reviewed at, the meeting."""
        document = await services.meeting_actions_document(actor, meeting_id, agency_id, format)
        return _download(document)

    @get("/agencies/{agency_id:int}/actions.docx")
    async def download_agency_actions(
        self, actor: Actor, agency_id: int, format: Format = DocumentFormat.DOCX
    ) -> Response[bytes]:
        """Every open action of the agency that the caller may see."""
        return _download(await services.agency_actions_document(actor, agency_id, format))
