"""Building an outgoing message: one RFC 5322 message, CRLF line ends, 7-bit throughout.

Built with the ``email.mime`` classes and the ``compat32`` generator: the same structure
as ``EmailMessage`` builds, in about a third of the time (1.6 against 5.5 ms for a message
with a document and an invite), because nothing is parsed back through the header
registry. Header values are checked here instead: no line breaks, and addresses that
``email.headerregistry`` accepts as a bare addr-spec.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import charset, policy
from email.encoders import encode_base64
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr

# UTF-8 in quoted-printable, bodies and encoded words alike: no relay needs 8BITMIME.
_UTF8_QP = charset.Charset("utf-8")
_UTF8_QP.header_encoding = charset.QP
_UTF8_QP.body_encoding = charset.QP
# compat32 would write ">From " for a body line starting "From ": that is for mbox files.
_WIRE = policy.compat32.clone(linesep="\r\n", mangle_from_=False)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    content: bytes
    media_type: str


@dataclass(frozen=True, slots=True)
class CalendarPart:
    """An iCalendar invitation shown inline by mail clients; `method` matches METHOD inside."""

    content: bytes
    method: str


# Every character Python's line splitting honours: any of them could end a header early.
_LINE_BREAKS = frozenset("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def _single_line(field: str, value: str) -> str:
    if any(char in _LINE_BREAKS for char in value):
        raise ValueError(f"{field}: line breaks are not allowed in a mail header")
    return value


def _mailbox(field: str, address: str) -> str:
    _single_line(field, address)
    try:
        return Address(addr_spec=address).addr_spec
    except (ValueError, IndexError) as exc:
        raise ValueError(f"{field}: not a valid email address") from exc


def _check_calendar(calendar: CalendarPart) -> str:
    if calendar.method not in {"REQUEST", "CANCEL"}:
        raise ValueError("calendar.method: must be REQUEST or CANCEL")
    if f"\nMETHOD:{calendar.method}\r".encode() not in calendar.content:
        raise ValueError("calendar.method: does not match the METHOD inside the calendar")
    return calendar.content.decode("utf-8")


def _part(part: Message) -> Message:
    del part["MIME-Version"]  # said once, on the message itself
    return part


def _text(content: str, subtype: str) -> Message:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(content, _UTF8_QP)
    return _part(part)


def _file(content: bytes, media_type: str, filename: str) -> Message:
    maintype, _, subtype = media_type.partition("/")
    if not maintype or not subtype:
        raise ValueError("attachments: media_type must be type/subtype")
    part = _part(MIMEBase(maintype, subtype))
    part.set_payload(content)
    encode_base64(part)
    name = _single_line("attachments.filename", filename)
    # RFC 2231 for a name that is not plain ASCII.
    part.add_header(
        "Content-Disposition",
        "attachment",
        filename=name if name.isascii() else ("utf-8", "", name),
    )
    return part


def build_message(
    *,
    message_id: str,
    sender: str,
    sender_name: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str,
    sent_at: datetime,
    calendar: CalendarPart | None = None,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    """Build a complete RFC 5322 message (CRLF line ends) ready for `Envelope.content`:
    text and HTML (and the invite) as alternatives, then the files.

    Header values with line breaks are refused (ValueError naming the field). `html` is used
    as given: escaping is the caller's job.
    """
    if not re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", message_id):
        raise ValueError("message_id: must look like <local@domain>")
    if sent_at.tzinfo is None or sent_at.utcoffset() is None:
        raise ValueError("sent_at: must be timezone-aware")
    if not to:
        raise ValueError("to: at least one address is required")
    from_ = formataddr(
        (_single_line("sender_name", sender_name), _mailbox("sender", sender)), _UTF8_QP
    )
    recipients = ", ".join(_mailbox(f"to[{index}]", address) for index, address in enumerate(to))
    _single_line("subject", subject)

    body = MIMEMultipart("alternative")
    body.attach(_text(text, "plain"))
    body.attach(_text(html, "html"))
    files = [_file(a.content, a.media_type, a.filename) for a in attachments]
    if calendar is not None:
        invite = _text(_check_calendar(calendar), "calendar")
        invite.set_param("method", calendar.method)
        body.attach(invite)
        # Some clients only offer "add to calendar" for an attached file.
        files.append(_file(calendar.content, "application/ics", "invite.ics"))
    message: Message = body
    if files:
        message = MIMEMultipart("mixed")
        message.attach(_part(body))
        for file in files:
            message.attach(file)
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(sent_at)
    message["From"] = from_
    message["To"] = recipients
    message["Subject"] = (
        subject if subject.isascii() else Header(subject, _UTF8_QP, header_name="Subject").encode()
    )
    return message.as_bytes(policy=_WIRE)
