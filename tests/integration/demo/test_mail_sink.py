"""The demo's mail sink and its page: what `make run` starts so a newcomer can read the mail
the demo sends, without any of it reaching a real mailbox or being rendered as HTML."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest

HOST = "127.0.0.1"
SENDER = "marac-coordinator@panel.example"
TO = "pc.ross@northtown.police.example"
BLIND = "duty.inspector@northtown.police.example"  # in the envelope only, not in any header
SUBJECT = "MARAC agenda: Northtown, 3 December"
TEXT = "The agenda for Northtown MARAC on 3 December is attached."
HTML = "<p>The agenda is attached.</p><script>alert(1)</script>"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX = b"PK\x03\x04 a stand-in for a Word document \x00\xff\r\n. with a dot line\r\n"
ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Panel Service//test//EN\r\n"
    b"METHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:meeting-7@panel.example\r\n"
    b"DTSTAMP:20261123T101500Z\r\nDTSTART:20261203T100000Z\r\nDTEND:20261203T120000Z\r\n"
    b"SUMMARY:Northtown MARAC\r\nSEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _settings_from(monkeypatch: pytest.MonkeyPatch, **values: str | None) -> None:
    """Set (or, with None, unset) environment variables and re-read the settings."""
    from panel_service.settings import get_settings

    for name, value in values.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    get_settings.cache_clear()


@pytest.fixture
def restore_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The test changes settings; everyone after it reads the environment they expect."""
    from panel_service.settings import get_settings

    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def sink_dir(tmp_path: Path) -> Path:
    return tmp_path / "var" / "mail"  # not there yet: the sink creates it


@pytest.fixture
def sink_port(restore_settings: pytest.MonkeyPatch, sink_dir: Path) -> int:
    """Settings as `make run` sets them, on a free port and a temporary mail directory."""
    port = _free_port()
    _settings_from(
        restore_settings,
        PANEL_DEMO_MAIL_SINK="1",
        PANEL_SMTP_HOST=HOST,
        PANEL_SMTP_PORT=str(port),
        PANEL_SMTP_SECURITY="none",
        PANEL_SMTP_ALLOW_PLAINTEXT="1",
        PANEL_MAIL_SINK_DIR=str(sink_dir),
    )
    return port


@pytest.fixture
def demo_client(fresh_database: None, sink_port: int) -> Iterator[Any]:
    """The app with the demo sink on: the sink listens while the client is open."""
    from litestar.testing import TestClient

    from panel_service.app import create_app

    with TestClient(create_app(), base_url="https://testserver.local") as client:
        yield client


def _message(
    attachment_name: str = "Northtown agenda 2026-12-03.docx",
    attachment_type: str = DOCX_TYPE,
) -> bytes:
    from panel_service.adapters.mime import Attachment, CalendarPart, build_message

    return build_message(
        message_id="<outbox-1.test@panel.example>",
        sender=SENDER,
        sender_name="MARAC coordinator",
        to=[TO],
        subject=SUBJECT,
        text=TEXT,
        html=HTML,
        sent_at=datetime(2026, 11, 23, 10, 15, tzinfo=UTC),
        calendar=CalendarPart(ICS, "REQUEST"),
        attachments=[Attachment(attachment_name, DOCX, attachment_type)],
    )


def _send(port: int, content: bytes) -> None:
    async def send() -> None:
        await aiosmtplib.send(
            content,
            sender=SENDER,
            recipients=[TO, BLIND],
            hostname=HOST,
            port=port,
            use_tls=False,
            start_tls=False,
            timeout=5,
        )

    asyncio.run(send())


def _stored(sink_dir: Path) -> list[Path]:
    return sorted(sink_dir.glob("*.eml"))


def _part_links(page: str, name: str) -> dict[str, list[int]]:
    """Download name -> part indexes, from the links on a message page."""
    links: dict[str, list[int]] = {}
    for index, label in re.findall(
        rf'href="/demo/mail/{re.escape(name)}/parts/(\d+)">([^<]+)<', page
    ):
        links.setdefault(label, []).append(int(index))
    return links


def test_the_sink_keeps_each_message_exactly_as_received(
    demo_client: Any, sink_port: int, sink_dir: Path
) -> None:
    content = _message()
    _send(sink_port, content)
    _send(sink_port, content)

    first, second = _stored(sink_dir)
    assert re.fullmatch(r"\d{8}T\d{12}-\d{4}\.eml", first.name)
    assert first.name < second.name  # names sort by arrival
    assert first.read_bytes() == content
    assert first.with_suffix(".json").is_file()


def test_the_mail_page_lists_and_shows_a_message_without_rendering_its_html(
    demo_client: Any, sink_port: int, sink_dir: Path
) -> None:
    _send(sink_port, _message())
    (stored,) = _stored(sink_dir)
    name = stored.name

    listing = demo_client.get("/demo/mail")
    assert listing.status_code == 200
    assert listing.headers["content-type"].startswith("text/html")
    assert "no-store" in listing.headers["cache-control"]
    assert f'href="/demo/mail/{name}"' in listing.text
    assert SUBJECT in listing.text
    assert TO in listing.text
    assert "<td>3</td>" in listing.text  # the Word document and the two forms of the invite

    page = demo_client.get(f"/demo/mail/{name}")
    assert page.status_code == 200
    assert "no-store" in page.headers["cache-control"]
    assert SUBJECT in page.text
    assert TEXT in page.text
    assert "<outbox-1.test@panel.example>" not in page.text  # headers are escaped too
    assert "&lt;outbox-1.test@panel.example&gt;" in page.text
    assert BLIND in page.text  # the envelope, which no header shows
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script" not in page.text.lower()

    links = _part_links(page.text, name)
    assert sorted(links) == ["Northtown agenda 2026-12-03.docx", "invite.ics"]
    assert len(links["invite.ics"]) == 2  # the inline invitation and the attached file

    (docx_index,) = links["Northtown agenda 2026-12-03.docx"]
    document = demo_client.get(f"/demo/mail/{name}/parts/{docx_index}")
    assert document.status_code == 200
    assert document.content == DOCX
    assert document.headers["content-disposition"].startswith(
        'attachment; filename="Northtown agenda 2026-12-03.docx"'
    )
    assert document.headers["content-type"].startswith("application/vnd.openxmlformats")

    for index in links["invite.ics"]:
        invite = demo_client.get(f"/demo/mail/{name}/parts/{index}")
        assert invite.status_code == 200
        assert invite.content == ICS
        assert invite.headers["content-type"].startswith("text/calendar")
        assert invite.headers["content-disposition"].startswith('attachment; filename="invite.ics"')


def test_an_attachment_is_offered_under_a_plain_name_of_the_servers_choosing(
    demo_client: Any, sink_port: int, sink_dir: Path
) -> None:
    # A name that hides its real extension, and a type a browser would render.
    _send(sink_port, _message("../../agenda\u202excod.exe", "text/html"))
    (stored,) = _stored(sink_dir)

    page = demo_client.get(f"/demo/mail/{stored.name}")
    assert "\u202e" not in page.text
    assert "../" not in page.text
    links = _part_links(page.text, stored.name)
    assert sorted(links) == ["agenda_xcod.exe", "invite.ics"]
    (index,) = links["agenda_xcod.exe"]
    download = demo_client.get(f"/demo/mail/{stored.name}/parts/{index}")
    assert download.content == DOCX
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"agenda_xcod.exe\"; filename*=UTF-8''agenda_xcod.exe"
    )


def test_only_the_sinks_own_files_are_served(
    demo_client: Any, sink_port: int, sink_dir: Path, tmp_path: Path
) -> None:
    _send(sink_port, _message())
    (stored,) = _stored(sink_dir)
    name = stored.name
    # Files with a name the sink could have given, outside it and linked into it.
    outside = tmp_path / "var" / "20260101T000000000000-0001.eml"
    outside.write_bytes(_message())
    (sink_dir / "20260101T000000000000-0002.eml").symlink_to(outside)

    for path in (
        "/demo/mail/..%2F20260101T000000000000-0001.eml",
        "/demo/mail/..%2F..%2F..%2Fetc%2Fpasswd",
        f"/demo/mail/%2F{str(outside).lstrip('/').replace('/', '%2F')}",
        "/demo/mail/%2Fetc%2Fpasswd",
        "/demo/mail/20260101T000000000000-0002.eml",  # the symlink
        "/demo/mail/20260101T000000000000-0003.eml",  # well formed, not there
        f"/demo/mail/{stored.with_suffix('.json').name}",  # the envelope sidecar
        f"/demo/mail/{name}%00",
        f"/demo/mail/{name}/parts/0",  # the multipart container
        f"/demo/mail/{name}/parts/2",  # the text part: not an attachment
        f"/demo/mail/{name}/parts/99",
        "/demo/mail/..%2F20260101T000000000000-0001.eml/parts/5",
    ):
        response = demo_client.get(path)
        assert response.status_code == 404, path
        assert b"BEGIN:VCALENDAR" not in response.content, path
        assert b"root:" not in response.content, path
    assert demo_client.get(f"/demo/mail/{name}").status_code == 200


def test_without_the_demo_sink_there_is_no_mail_page(
    fresh_database: None, restore_settings: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from litestar.testing import TestClient

    from panel_service.app import create_app

    _settings_from(
        restore_settings,
        PANEL_DEMO_MAIL_SINK=None,
        PANEL_MAIL_SINK_DIR=str(tmp_path / "mail"),
    )
    with TestClient(create_app(), base_url="https://testserver.local") as client:
        assert client.get("/health").status_code == 200
        assert client.get("/demo/mail").status_code == 404
    assert not (tmp_path / "mail").exists()


@pytest.mark.parametrize("host", ["192.0.2.10", "0.0.0.0", "::", "smtp.example.com"])
def test_the_sink_refuses_to_listen_beyond_loopback(
    restore_settings: pytest.MonkeyPatch, tmp_path: Path, host: str
) -> None:
    from panel_service.demo.mail_sink import MailSinkRefused, mail_sink

    _settings_from(
        restore_settings,
        PANEL_DEMO_MAIL_SINK="1",
        PANEL_SMTP_HOST=host,
        PANEL_SMTP_PORT=str(_free_port()),
        PANEL_SMTP_SECURITY="none",
        PANEL_SMTP_ALLOW_PLAINTEXT="1",
        PANEL_MAIL_SINK_DIR=str(tmp_path / "mail"),
    )

    async def start() -> None:
        async with mail_sink(None):  # type: ignore[arg-type]
            pass

    with pytest.raises(MailSinkRefused, match=r"loopback only.*PANEL_SMTP_HOST"):
        asyncio.run(start())
    assert not (tmp_path / "mail").exists()


def test_the_app_does_not_start_with_a_sink_beyond_loopback(
    fresh_database: None, restore_settings: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from litestar.testing import TestClient

    from panel_service.app import create_app

    _settings_from(
        restore_settings,
        PANEL_DEMO_MAIL_SINK="1",
        PANEL_SMTP_HOST="192.0.2.10",
        PANEL_SMTP_SECURITY="none",
        PANEL_SMTP_ALLOW_PLAINTEXT="1",
        PANEL_MAIL_SINK_DIR=str(tmp_path / "mail"),
    )
    from panel_service.demo.mail_sink import MailSinkRefused

    # The test client reports a failed startup as a group of the errors behind it.
    with (
        pytest.raises(BaseExceptionGroup) as failed,
        TestClient(create_app(), base_url="https://testserver.local"),
    ):
        pass
    assert failed.group_contains(MailSinkRefused, match="loopback only", depth=None)


def test_the_sink_refuses_settings_the_dispatcher_could_not_use(tmp_path: Path) -> None:
    from panel_service.demo.mail_sink import MailSinkRefused, sink_for
    from panel_service.settings import MessagingSettings

    with pytest.raises(MailSinkRefused, match="PANEL_SMTP_SECURITY=none"):
        sink_for(MessagingSettings(smtp_host=HOST, smtp_security="starttls"))


def test_a_busy_port_is_reported_at_once(tmp_path: Path) -> None:
    from panel_service.demo.mail_sink import MailSink, MailSinkRefused

    with socket.create_server((HOST, 0)) as taken:
        port = taken.getsockname()[1]
        sink = MailSink(tmp_path / "mail", HOST, port)
        with pytest.raises(MailSinkRefused, match=rf"{re.escape(HOST)}:{port}.*PANEL_SMTP_PORT"):
            sink.start()
