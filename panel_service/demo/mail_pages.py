"""The demo's mail page: what the demo mail sink received, read in a browser.

Registered only with ``PANEL_DEMO_MAIL_SINK=1`` and open without sign-in: the sink and the
service then listen on this machine only. Nothing from a message is ever rendered as HTML:
its HTML part is shown as escaped source, and its attachments and invitations are downloads
with a server-chosen file name. Only files the sink names are served; any other name is 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from litestar import Controller, MediaType, Response, get

from panel_service.demo.mail_sink import MESSAGE_NAME, read_envelope, received_at
from panel_service.documents.services import content_disposition
from panel_service.errors import NotFound
from panel_service.messaging.templating import environment
from panel_service.settings import get_settings

MAIL_PATH = "/demo/mail"
LIST_LIMIT = 200
"""The newest messages listed; older ones stay on disk, in the sink directory."""
CALENDAR_TYPES = frozenset({"text/calendar", "application/ics"})
# Served as what they are; anything else a message carries is application/octet-stream.
DOWNLOAD_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf",
    }
)

_NOT_PLAIN = re.compile(r"[^A-Za-z0-9 ._()+,=@-]+")
_MAX_NAME = 120


@dataclass(frozen=True, slots=True)
class MailSummary:
    """One line of the list."""

    name: str
    received: str
    to: str
    subject: str
    attachments: int


@dataclass(frozen=True, slots=True)
class MailPart:
    """An attachment or calendar part, offered as a download."""

    index: int
    description: str
    media_type: str
    size: int
    download_name: str


def _sink_directory() -> Path:
    return get_settings().messaging.mail_sink_dir


def _message_path(name: str) -> Path:
    """The stored message called ``name``: the sink's own naming, a plain file, nothing else."""
    if not MESSAGE_NAME.fullmatch(name):
        raise NotFound("no such message in the demo mail sink")
    path = _sink_directory() / name
    if path.is_symlink() or not path.is_file():
        raise NotFound("no such message in the demo mail sink")
    return path


def _parse(path: Path) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(parsed, EmailMessage)
    return parsed


def _header(message: EmailMessage, name: str) -> str:
    return str(message.get(name, "") or "")


def _when(name: str) -> str:
    return f"{received_at(name):%Y-%m-%d %H:%M:%S} UTC"


def _is_calendar(part: MIMEPart) -> bool:
    return part.get_content_type() in CALENDAR_TYPES or (
        (part.get_filename() or "").lower().endswith(".ics")
    )


def _downloadable(message: EmailMessage) -> list[tuple[int, MIMEPart]]:
    """Attachments and calendar parts, with their place in ``message.walk()``."""
    return [
        (index, part)
        for index, part in enumerate(message.walk())
        if not part.is_multipart() and (part.is_attachment() or _is_calendar(part))
    ]


def _payload(part: MIMEPart) -> bytes:
    content = part.get_payload(decode=True)
    return content if isinstance(content, bytes) else b""


def _text(part: MIMEPart | None) -> str:
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, UnicodeError):  # an unknown or lying charset
        return _payload(part).decode("utf-8", "replace")
    return content if isinstance(content, str) else _payload(part).decode("utf-8", "replace")


def _download_name(index: int, part: MIMEPart) -> str:
    """The server's name for a part: ``invite.ics``, or the sender's name for it made plain
    (no directories, controls or bidirectional tricks), since it is shown and offered."""
    if _is_calendar(part):
        return "invite.ics"
    sent = re.split(r"[/\\]", part.get_filename() or "")[-1]
    plain = " ".join(_NOT_PLAIN.sub("_", sent).split()).strip(" ._")[:_MAX_NAME]
    return plain if "." in plain else f"attachment-{index}.bin"


def _describe(index: int, part: MIMEPart) -> MailPart:
    if not _is_calendar(part):
        description = "attached file"
    elif part.is_attachment():
        description = "calendar invitation, as an attached file"
    else:
        method = part.get_param("method")
        description = "calendar invitation, shown inline by mail clients" + (
            f" (METHOD:{method})" if isinstance(method, str) else ""
        )
    return MailPart(
        index=index,
        description=description,
        media_type=part.get_content_type(),
        size=len(_payload(part)),
        download_name=_download_name(index, part),
    )


def _summary(path: Path) -> MailSummary:
    message = _parse(path)
    return MailSummary(
        name=path.name,
        received=_when(path.name),
        to=_header(message, "To"),
        subject=_header(message, "Subject"),
        attachments=len(_downloadable(message)),
    )


def _html(template: str, status_code: int = 200, **context: Any) -> Response[str]:
    html = environment("web").get_template(template).render(context)
    return Response(html, media_type=MediaType.HTML, status_code=status_code)


class DemoMailController(Controller):
    """``/demo/mail``: the list, one message, and one part of it as a download."""

    path = MAIL_PATH
    tags = ["demo"]
    include_in_schema = False

    @get(sync_to_thread=True)
    def list_demo_mail(self) -> Response[str]:
        """Every message the sink received, newest first."""
        directory = _sink_directory()
        names = (
            sorted(
                (entry.name for entry in directory.iterdir() if MESSAGE_NAME.fullmatch(entry.name)),
                reverse=True,
            )
            if directory.is_dir()
            else []
        )
        messages = [_summary(directory / name) for name in names[:LIST_LIMIT]]
        return _html(
            "mail_list.html",
            title="Demo mail",
            messages=messages,
            total=len(names),
            directory=str(directory),
            mail_path=MAIL_PATH,
        )

    @get("/{name:str}", sync_to_thread=True)
    def show_demo_mail(self, name: str) -> Response[str]:
        """One message: its headers, envelope, text, HTML source and parts."""
        path = _message_path(name)
        message = _parse(path)
        envelope = read_envelope(path)
        return _html(
            "mail_message.html",
            title=_header(message, "Subject") or "(no subject)",
            name=name,
            mail_path=MAIL_PATH,
            received=_when(name),
            sender=_header(message, "From"),
            to=_header(message, "To"),
            cc=_header(message, "Cc"),
            envelope_from=envelope.mail_from,
            envelope_to=envelope.rcpt_tos,
            date=_header(message, "Date"),
            subject=_header(message, "Subject"),
            message_id=_header(message, "Message-ID"),
            text=_text(message.get_body(preferencelist=("plain",))),
            html_source=_text(message.get_body(preferencelist=("html",))),
            parts=[_describe(index, part) for index, part in _downloadable(message)],
        )

    @get("/{name:str}/parts/{index:int}", sync_to_thread=True)
    def download_demo_mail_part(self, name: str, index: int) -> Response[bytes]:
        """One attachment or calendar part, as a file (``invite.ics`` for invitations)."""
        message = _parse(_message_path(name))
        part = dict(_downloadable(message)).get(index)
        if part is None:
            raise NotFound("no such attachment in this message")
        if _is_calendar(part):
            media_type = "text/calendar; charset=utf-8"
        elif part.get_content_type() in DOWNLOAD_TYPES:
            media_type = part.get_content_type()
        else:
            media_type = "application/octet-stream"
        return Response(
            _payload(part),
            media_type=media_type,
            headers={"Content-Disposition": content_disposition(_download_name(index, part))},
        )
