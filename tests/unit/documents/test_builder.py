"""The document builder on a base document: styles resolved once and required, header
placeholders filled (also when Word split them across runs), tables with a repeating
header row and merged cells, awkward text kept."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE

from panel_service.documents.base import (
    SAME,
    STYLES,
    Column,
    DocumentBuilder,
    Strong,
)
from panel_service.documents.templates import TemplateError, base_document
from panel_service.settings import PROJECT_ROOT

BASE = PROJECT_ROOT / "templates" / "docx" / "base.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _reopen(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def _text(element: object) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))  # type: ignore[attr-defined]


def test_the_committed_base_defines_every_style_the_code_names() -> None:
    document = docx.Document(str(BASE))
    for name, kind in STYLES.values():
        assert document.styles[name].type == kind, name
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert "{{panel_name}}" in _text(section.header._element)


def test_the_base_document_is_rebuilt_byte_for_byte() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build", BASE.parent / "build.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.build() == BASE.read_bytes(), "run templates/docx/build.py and commit"


def test_the_header_carries_the_panel_and_title_and_the_body_its_content() -> None:
    doc = DocumentBuilder(BASE, "Northtown MARAC & <Partners>", "MARAC agenda")
    doc.title("MARAC agenda", "Thursday 3 December 2026")
    doc.paragraph(("Plain ", Strong("bold")), "note")
    doc.table(
        [Column("Slot", 2), Column("Case", 4)],
        [["10:00", [Strong("MC-1"), "Victim: A\nsecond line\tafter a tab"]]],
    )
    document = _reopen(doc.save())
    header = _text(document.sections[0].header._element)
    assert "Northtown MARAC & <Partners> \u2013 MARAC agenda" in header
    assert "{{" not in header
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Title"
    assert paragraphs[2].style.name == "Note"
    assert paragraphs[2].runs[1].bold is True
    table = document.tables[0]
    assert table.style.name == "Panel Table"
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    cell = table.rows[1].cells[1]
    assert cell.paragraphs[0].style.name == "Table Text"
    assert cell.text == "MC-1\nVictim: A\nsecond line\tafter a tab"
    assert document.core_properties.title == "MARAC agenda"


def test_columns_are_scaled_to_the_page_and_continued_cells_left_blank() -> None:
    doc = DocumentBuilder(BASE, "Panel", "Title")
    doc.table(
        [Column("A", 1), Column("B", 1)],
        [["x", "first"], [SAME, "second"], ["y", "third"]],
    )
    table = _reopen(doc.save()).tables[0]
    widths = [int(c.get(f"{W}w")) for c in table._tbl.find(f"{W}tblGrid")]
    assert abs(sum(widths) - 17 * 567) <= 2 and widths[0] == widths[1]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["A", "B"],
        ["x", "first"],
        ["", "second"],
        ["y", "third"],
    ]


def test_long_rows_may_break_across_pages_and_short_rows_may_not() -> None:
    doc = DocumentBuilder(BASE, "Panel", "Title")
    doc.table([Column("A", 1)], [["short"], ["long " * 4000]])
    rows = _reopen(doc.save()).tables[0]._tbl.findall(f"{W}tr")
    assert [r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows] == [True, True, False]


def test_forbidden_characters_are_dropped_wherever_text_goes_in() -> None:
    doc = DocumentBuilder(BASE, "Panel\x0b One", "Agenda\x00")
    doc.heading("Heading\x0c")
    doc.details([("Label\x01", "Value\x1f")])
    doc.table([Column("A\x0b", 1)], [["cell\x00"]])
    document = _reopen(doc.save())
    assert "Panel One \u2013 Agenda" in _text(document.sections[0].header._element)
    body = _text(document.element.body)
    assert "HeadingLabelValueAcell" in body


def test_a_base_missing_a_style_is_refused_naming_it(tmp_path: Path) -> None:
    document = docx.Document(str(BASE))
    document.styles["Table Text"].delete()
    broken = tmp_path / "base.docx"
    document.save(str(broken))
    with pytest.raises(TemplateError, match="Table Text"):
        DocumentBuilder(broken, "Panel", "Title")


def test_a_base_of_the_wrong_kind_of_style_is_refused(tmp_path: Path) -> None:
    document = docx.Document(str(BASE))
    document.styles["Panel Table"].delete()
    document.styles.add_style("Panel Table", WD_STYLE_TYPE.PARAGRAPH)
    broken = tmp_path / "base.docx"
    document.save(str(broken))
    with pytest.raises(TemplateError, match="Panel Table"):
        DocumentBuilder(broken, "Panel", "Title")


def test_a_placeholder_split_across_runs_is_still_filled(tmp_path: Path) -> None:
    document = docx.Document(str(BASE))
    header = document.sections[0].header
    paragraph = header.add_paragraph()
    for piece in ("Panel: {{pan", "el_na", "me}} (", "{{document_title}}", ")"):
        paragraph.add_run(piece)
    branded = tmp_path / "base.docx"
    document.save(str(branded))
    result = _reopen(DocumentBuilder(branded, "Eastshire MARAC", "Agenda").save())
    assert "Panel: Eastshire MARAC (Agenda)" in _text(result.sections[0].header._element)


def test_a_branded_base_without_the_placeholder_still_names_the_panel(tmp_path: Path) -> None:
    document = docx.Document(str(BASE))
    for paragraph in document.sections[0].header.paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace("{{panel_name}}", "Our logo here")
    branded = tmp_path / "base.docx"
    document.save(str(branded))
    result = _reopen(DocumentBuilder(branded, "Eastshire MARAC", "Agenda").save())
    assert "Eastshire MARAC" in _text(result.sections[0].header._element)


def test_a_kind_of_document_may_have_its_own_base(tmp_path: Path) -> None:
    with pytest.raises(TemplateError):
        base_document(tmp_path, "agenda")
    (tmp_path / "base.docx").write_bytes(BASE.read_bytes())
    assert base_document(tmp_path, "agenda") == tmp_path / "base.docx"
    (tmp_path / "agenda.docx").write_bytes(BASE.read_bytes())
    assert base_document(tmp_path, "agenda") == tmp_path / "agenda.docx"
    assert base_document(tmp_path, "actions") == tmp_path / "base.docx"


def test_a_file_that_is_not_a_word_document_is_a_template_error(tmp_path: Path) -> None:
    bad = tmp_path / "base.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(TemplateError):
        DocumentBuilder(bad, "Panel", "Title")
