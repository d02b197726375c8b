"""PDF through LibreOffice where it is installed (``.ci/run`` installs it with the fonts and
poppler-utils): a sane number of pages, the marking on the first and the last, and a clear
422 on ``format`` where it is not installed."""

from __future__ import annotations

import re
from typing import Any

import pytest

from panel_service.documents.render import pdf_available
from tests.integration.documents.reading import MARKING, download, exact_filename, pdf_pages
from tests.integration.documents.scenario import (
    actions_url,
    agenda_url,
    extract_url,
    marac_meeting,
    open_actions_url,
)
from tests.integration.documents.test_bad_input import LONG, _set_description
from tests.support.calls import ok

needs_libreoffice = pytest.mark.skipif(
    not pdf_available(),
    reason="LibreOffice (soffice) is not installed here; PDF output is optional, and "
    ".ci/run installs libreoffice-writer, the fonts and poppler-utils",
)


def _check_pages(pdf: bytes, panel_name: str, most: int) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    pages = pdf_pages(pdf)
    assert 1 <= len(pages) <= most, len(pages)
    assert MARKING in pages[0] and MARKING in pages[-1]
    # Top and bottom of every page, with its number.
    for number, page in enumerate(pages, start=1):
        assert page.count(MARKING) >= 2, number
        assert re.search(rf"Page\s+{number}\s+of\s+{len(pages)}", page), number
        assert panel_name in " ".join(page.split()), number
    return pages


@needs_libreoffice
def test_every_document_renders_as_pdf_with_the_marking_on_each_page(client: Any) -> None:
    world = marac_meeting(client)
    response = download(client, f"{agenda_url(world)}?format=pdf")
    assert response.headers["content-type"].startswith("application/pdf")
    assert exact_filename(response).endswith(".pdf")
    pages = _check_pages(response.content, world.panel["name"], most=4)
    text = "\n".join(pages)
    assert "MARAC agenda" in text and world.lapse["reference"] in text

    for url in (
        extract_url(world, world.housing),
        actions_url(world, world.housing),
        open_actions_url(world.housing),
    ):
        pdf = download(client, f"{url}?format=pdf").content
        _check_pages(pdf, world.panel["name"], most=3)


@needs_libreoffice
def test_a_20000_character_action_runs_over_pages_without_losing_the_marking(
    client: Any,
) -> None:
    world = marac_meeting(client)
    _set_description(client, world.agreed_action["id"], LONG)
    pdf = download(client, f"{actions_url(world, world.housing)}?format=pdf").content
    pages = _check_pages(pdf, world.panel["name"], most=12)
    assert len(pages) >= 2
    assert "LONG-END" in " ".join(pages[-1].split())


def test_pdf_is_refused_on_format_where_libreoffice_is_missing(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from panel_service.documents import services

    world = marac_meeting(client, sitting=False)
    monkeypatch.setattr(services, "pdf_available", lambda: False)
    body = ok(client.get(f"{agenda_url(world)}?format=pdf"), 422)
    assert body["errors"][0]["field"] == "format"
    # The Word document needs nothing else.
    download(client, agenda_url(world))


def test_an_unknown_format_is_refused_naming_the_field(client: Any) -> None:
    world = marac_meeting(client, sitting=False)
    body = ok(client.get(f"{agenda_url(world)}?format=odt"), 400)
    assert body["errors"][0]["field"] == "format"
