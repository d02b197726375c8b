"""build_message: the MIME structure mail clients rely on, and header injection refused."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest

from panel_service.adapters.mime import Attachment, CalendarPart, build_message

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_BYTES = b"PK\x03\x04" + bytes(range(256)) * 4  # binary, with every byte value
ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Panel Service//EN\r\nMETHOD:REQUEST\r\n"
    b"BEGIN:VEVENT\r\nUID:meeting-12@panel.example\r\nSUMMARY:Northtown MARAC\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _build(**overrides: Any) -> bytes:
    fields: dict[str, Any] = {
        "message_id": "<outbox-41.7f3a@panel.example>",
        "sender": "noreply@panel.example",
        "sender_name": "Northtown MARAC",
        "to": ["idva@refuge.nhs.net"],
        "subject": "Agenda for 12 March",
        "text": "The agenda is attached.\n",
        "html": "<p>The agenda is attached.</p>",
        "sent_at": datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    }
    fields.update(overrides)
    return build_message(**fields)


def _parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def _invite() -> CalendarPart:
    return CalendarPart(content=ICS, method="REQUEST")


def test_an_invite_with_a_document_is_mixed_with_alternative_then_attachments() -> None:
    raw = _build(
        calendar=_invite(),
        attachments=[Attachment("agenda.docx", DOCX_BYTES, DOCX)],
    )
    message = _parse(raw)

    assert message.get_content_type() == "multipart/mixed"
    alternative, *attachments = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in alternative.iter_parts()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    assert [(part.get_content_type(), part.get_filename()) for part in attachments] == [
        (DOCX, "agenda.docx"),
        ("application/ics", "invite.ics"),
    ]


def test_the_inline_calendar_says_its_method_and_charset_and_the_ics_copy_is_identical() -> None:
    message = _parse(_build(calendar=_invite()))
    calendar_part = next(
        part for part in message.walk() if part.get_content_type() == "text/calendar"
    )
    ics_file = next(part for part in message.walk() if part.get_filename() == "invite.ics")

    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    assert calendar_part.get_content().encode("utf-8") == ICS
    assert ics_file.get_content() == ICS


def test_a_calendar_whose_method_differs_from_the_mime_method_is_refused() -> None:
    with pytest.raises(ValueError, match=r"calendar\.method"):
        _build(calendar=CalendarPart(content=ICS, method="CANCEL"))


def test_attachment_bytes_arrive_intact() -> None:
    message = _parse(_build(attachments=[Attachment("minutes.docx", DOCX_BYTES, DOCX)]))
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == DOCX_BYTES


def test_a_plain_message_is_just_the_alternative_of_text_and_html() -> None:
    message = _parse(_build())
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]


def test_headers_carry_the_given_message_id_date_sender_and_recipients() -> None:
    raw = _build(to=["idva@refuge.nhs.net", "police@northtown.police.uk"])
    message = _parse(raw)

    assert message["Message-ID"] == "<outbox-41.7f3a@panel.example>"
    assert message["Date"].datetime == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert message["From"].addresses[0].display_name == "Northtown MARAC"
    assert message["From"].addresses[0].addr_spec == "noreply@panel.example"
    assert [a.addr_spec for a in message["To"].addresses] == [
        "idva@refuge.nhs.net",
        "police@northtown.police.uk",
    ]
    assert message["MIME-Version"] == "1.0"
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_non_ascii_subject_sender_name_and_filename_survive() -> None:
    raw = _build(
        subject="Réunion du panel — 12 mars",
        sender_name="Équipe MARAC, Northtown",
        attachments=[
            Attachment("Procès-verbal été 2026 (version définitive).docx", DOCX_BYTES, DOCX)
        ],
    )
    message = _parse(raw)

    assert raw.isascii()  # encoded words and RFC 2231: no relay needs 8-bit headers
    assert message["Subject"] == "Réunion du panel — 12 mars"
    assert message["From"].addresses[0].display_name == "Équipe MARAC, Northtown"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "Procès-verbal été 2026 (version définitive).docx"


def test_the_html_part_is_exactly_what_the_caller_passed() -> None:
    html = "<p>Actions for &lt;agency&gt;: <script>alert(1)</script></p>"
    message = _parse(_build(html=html, text="Plain — text ✓\n"))
    text_part, html_part = message.iter_parts()
    assert isinstance(html_part, EmailMessage) and isinstance(text_part, EmailMessage)
    # On the wire every line ends in CRLF; a client reads that as a plain line end.
    assert html_part.get_content().replace("\r\n", "\n").rstrip("\n") == html
    assert text_part.get_content().replace("\r\n", "\n") == "Plain — text ✓\n"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Agenda\r\nBcc: abuser@example.com"),
        ("subject", "Agenda\nX-Injected: yes"),
        ("subject", "Agenda\u2028more"),
        ("sender_name", "Panel\rBcc: abuser@example.com"),
        ("sender", "noreply@panel.example\r\nBcc: abuser@example.com"),
    ],
)
def test_line_breaks_in_headers_are_refused_naming_the_field(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=field):
        _build(**{field: value})


def test_line_breaks_in_a_recipient_are_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"to\[1\]"):
        _build(to=["idva@refuge.nhs.net", "x@panel.example\nBcc: abuser@example.com"])


def test_a_recipient_that_hides_a_second_address_is_refused() -> None:
    with pytest.raises(ValueError, match=r"to\[0\]"):
        _build(to=["idva@refuge.nhs.net, abuser@example.com"])


def test_a_message_id_not_in_angle_bracket_form_is_refused() -> None:
    with pytest.raises(ValueError, match="message_id"):
        _build(message_id="outbox-41@panel.example")


def test_a_naive_sent_at_is_refused() -> None:
    with pytest.raises(ValueError, match="sent_at"):
        _build(sent_at=datetime(2026, 3, 2, 9, 30))
