"""Reading a downloaded document back: python-docx for its content, the raw XML parts for
what must never be anywhere in it, and LibreOffice + pdftotext for the rendered pages."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from typing import Any
from urllib.parse import unquote

import docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKING = "OFFICIAL-SENSITIVE"
NOTICE = "Do not copy or share without the agreement of the panel chair"


def download(client: Any, url: str, status: int = 200) -> Any:
    """GET a document; on success check the headers every download must carry."""
    response = client.get(url)
    assert response.status_code == status, (response.status_code, response.text[:500])
    if status == 200:
        assert "no-store" in response.headers["cache-control"]
        disposition = response.headers["content-disposition"]
        assert re.fullmatch(
            r"attachment; filename=\"[A-Za-z0-9 ._()+,=@-]+\"; filename\*=UTF-8''[A-Za-z0-9%._~-]+",
            disposition,
        ), disposition
    return response


def exact_filename(response: Any) -> str:
    """The UTF-8 file name of a download (its ``filename*``)."""
    encoded = response.headers["content-disposition"].split("filename*=UTF-8''", 1)[1]
    return unquote(encoded)


def document_of(response: Any) -> Any:
    assert response.headers["content-type"].startswith(DOCX_TYPE)
    return docx.Document(io.BytesIO(response.content))


def body_text(document: Any) -> str:
    """Every paragraph of the body, tables included, in reading order."""
    return "\n".join(
        "".join(t.text or "" for t in p.iter(f"{W}t")) for p in document.element.body.iter(f"{W}p")
    )


def part_text(part_element: Any) -> str:
    return "\n".join(
        "".join(t.text or "" for t in p.iter(f"{W}t")) for p in part_element.iter(f"{W}p")
    )


def all_xml(content: bytes) -> str:
    """Every XML part of the package (body, headers, footers, properties ...) as text."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return "\n".join(
            package.read(name).decode("utf-8")
            for name in package.namelist()
            if name.endswith((".xml", ".rels"))
        )


def check_marked(document: Any, panel_name: str) -> None:
    """Marking top and bottom of every page, the notice, page X of Y and the panel's name."""
    section = document.sections[0]
    header = part_text(section.header._element)
    footer = part_text(section.footer._element)
    assert MARKING in header and MARKING in footer
    assert panel_name in header
    assert NOTICE in footer
    instructions = " ".join(t.text for t in section.footer._element.iter(f"{W}instrText"))
    assert "PAGE" in instructions.split() and "NUMPAGES" in instructions.split()
    assert "Page" in footer and " of " in footer
    assert "{{" not in header + footer
    width, height = section.page_width.cm, section.page_height.cm
    assert (round(width, 1), round(height, 1)) == (21.0, 29.7)


def tables_with_repeating_header(document: Any) -> list[Any]:
    """The body's tables whose first row repeats on every page (w:tblHeader)."""
    return [
        table
        for table in document.tables
        if table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    ]


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page of a PDF (pdftotext; form feeds separate pages)."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed with LibreOffice"
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
