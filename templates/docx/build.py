"""Build the base Word document every generated document starts from: ``base.docx``.

Run by hand after changing it, and commit both this script and the output::

    .venv/bin/python templates/docx/build.py

The output is byte-for-byte reproducible (fixed zip timestamps and document properties),
so a rebuild without changes shows no diff. What the base must provide is listed in
``README.md`` next to this file; an organisation may replace ``base.docx`` (or add a
per-document ``agenda.docx`` / ``actions.docx`` / ``minutes.docx``) with its own branded
file that keeps those style names and the header placeholders.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
FONT = "Arial"  # LibreOffice renders it with the metric-compatible Liberation Sans
INK = RGBColor(0x1A, 0x1A, 0x1A)
ACCENT = RGBColor(0x1F, 0x38, 0x64)  # dark blue: headings and table header rows
ACCENT_HEX = "1F3864"
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
RULE_HEX = "8C8C8C"
MARKING = "OFFICIAL-SENSITIVE"
NOTICE = "Do not copy or share without the agreement of the panel chair"
# Fixed, so that the output does not change from one run to the next.
FIXED_TIME = datetime(2026, 1, 1)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _plain_fonts(element: Any) -> None:
    """Drop theme font references under ``element`` (they win over a named font) and name
    ours for every script, so headings and body use the same face everywhere."""
    for fonts in element.iter(qn("w:rFonts")):
        for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attribute}"), None)
        for attribute in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{attribute}"), FONT)


def _drop_theme_colour(style: Any) -> None:
    colour = style.element.find(f"{qn('w:rPr')}/{qn('w:color')}")
    if colour is not None:
        for attribute in ("themeColor", "themeShade", "themeTint"):
            colour.attrib.pop(qn(f"w:{attribute}"), None)


def _border(tag: str, size: int = 4, colour: str = RULE_HEX) -> Any:
    border = OxmlElement(tag)
    border.set(qn("w:val"), "single")
    border.set(qn("w:sz"), str(size))
    border.set(qn("w:space"), "0")
    border.set(qn("w:color"), colour)
    return border


def _paragraph_style(
    document: Any,
    name: str,
    size: float,
    bold: bool = False,
    italic: bool = False,
    colour: RGBColor | None = INK,
    before: float = 0,
    after: float = 4,
    keep_with_next: bool = False,
    base: str = "Normal",
) -> Any:
    styles = document.styles
    style = styles[name] if name in styles else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base] if name != base else None
    style.quick_style = True
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    if colour is not None:
        font.color.rgb = colour
        _drop_theme_colour(style)
    paragraph = style.paragraph_format
    paragraph.space_before = Pt(before)
    paragraph.space_after = Pt(after)
    paragraph.keep_with_next = keep_with_next
    return style


def _table_style(document: Any, name: str, grid: bool) -> None:
    """A table style: ``grid`` draws every border and shades the header row; otherwise
    only a light rule under each row (for label/value details)."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.TABLE)
    style.base_style = document.styles["Normal Table"]
    element = style.element
    table_properties = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    edges = ("top", "left", "bottom", "right", "insideH", "insideV") if grid else ("insideH",)
    for edge in edges:
        borders.append(_border(f"w:{edge}"))
    table_properties.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("top", 30), ("left", 70), ("bottom", 30), ("right", 70)):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(width))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table_properties.append(margins)
    element.append(table_properties)
    if grid:
        # The header row: white bold text on the accent colour (conditional formatting,
        # applied where the table's look says it has a first row).
        first_row = OxmlElement("w:tblStylePr")
        first_row.set(qn("w:type"), "firstRow")
        run_properties = OxmlElement("w:rPr")
        run_properties.append(OxmlElement("w:b"))
        colour = OxmlElement("w:color")
        colour.set(qn("w:val"), "FFFFFF")
        run_properties.append(colour)
        first_row.append(run_properties)
        cell_properties = OxmlElement("w:tcPr")
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), ACCENT_HEX)
        cell_properties.append(shading)
        first_row.append(cell_properties)
        element.append(first_row)


KEEP_TABLE_STYLES = {"Normal Table", "Table Grid"}
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _slim(document: Any) -> None:
    """Drop the stock template's hundred unused table styles and its Word 2010 duplicate
    of the styles part: every generated document parses the styles, so a smaller part
    builds faster (Word and LibreOffice still offer their built-in table styles)."""
    for style in list(document.styles):
        if style.type == WD_STYLE_TYPE.TABLE and style.name not in KEEP_TABLE_STYLES:
            style.delete()
    part = document.part
    for key, relationship in list(part.rels.items()):
        if relationship.reltype == STYLES_WITH_EFFECTS:
            part.rels.pop(key)


def _styles(document: Any) -> None:
    _slim(document)
    styles = document.styles
    # Defaults for every run: our font, British English.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    _plain_fonts(defaults)
    run_defaults = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    language = run_defaults.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_defaults.append(language)
    language.set(qn("w:val"), "en-GB")
    language.set(qn("w:eastAsia"), "en-GB")
    language.set(qn("w:bidi"), "ar-SA")

    _paragraph_style(document, "Normal", 10, colour=None, after=4)
    title = _paragraph_style(document, "Title", 18, bold=True, colour=ACCENT, after=2)
    # The stock Title has a bottom border and a tight character spacing: keep it plain.
    for tag in ("w:pBdr", "w:contextualSpacing"):
        found = title.element.find(f"{qn('w:pPr')}/{qn(tag)}")
        if found is not None:
            found.getparent().remove(found)
    subtitle = _paragraph_style(document, "Subtitle", 11, italic=False, colour=INK, after=8)
    for style in (title, subtitle):
        # The stock styles stretch the letters apart.
        spacing = style.element.find(f"{qn('w:rPr')}/{qn('w:spacing')}")
        if spacing is not None:
            spacing.getparent().remove(spacing)
    _paragraph_style(
        document,
        "Heading 1",
        13,
        bold=True,
        colour=ACCENT,
        before=14,
        after=4,
        keep_with_next=True,
    )
    _paragraph_style(
        document,
        "Heading 2",
        11,
        bold=True,
        colour=ACCENT,
        before=10,
        after=3,
        keep_with_next=True,
    )
    _paragraph_style(document, "List Bullet", 10, after=1)
    _paragraph_style(
        document, "Note", 9, italic=True, colour=RGBColor(0x40, 0x40, 0x40), before=4, after=4
    )
    statement = _paragraph_style(document, "Statement", 10, before=2, after=6)
    statement.paragraph_format.left_indent = Cm(0.2)
    statement.paragraph_format.right_indent = Cm(0.2)
    borders = OxmlElement("w:pBdr")
    for edge in ("top", "left", "bottom", "right"):
        border = _border(f"w:{edge}", size=6, colour=ACCENT_HEX)
        border.set(qn("w:space"), "4")
        borders.append(border)
    statement.element.get_or_add_pPr().append(borders)
    # Header-row text: it must stand out on the Panel Table's first-row fill.
    _paragraph_style(document, "Table Heading", 8.5, bold=True, colour=WHITE, after=0)
    _paragraph_style(document, "Table Label", 8.5, bold=True, colour=ACCENT, after=0)
    _paragraph_style(document, "Table Text", 8.5, after=0)
    for name in ("Header", "Footer"):
        _paragraph_style(document, name, 8, after=0, base=name)
        styles[name].base_style = styles["Normal"]
    marking = _paragraph_style(document, "Marking", 10, bold=True, after=0)
    marking.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _plain_fonts(document.styles.element)
    _table_style(document, "Panel Table", grid=True)
    _table_style(document, "Details Table", grid=False)


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A complex field (PAGE, NUMPAGES) with a cached result, as Word writes them."""
    for kind, text in (
        ("begin", None),
        ("instr", instruction),
        ("separate", None),
        ("text", shown),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _page_setup(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = Cm(2.6)
    section.bottom_margin = Cm(2.6)
    section.header_distance = Cm(1.0)
    section.footer_distance = Cm(0.8)

    header = section.header
    header.is_linked_to_previous = False
    marking = header.paragraphs[0]
    marking.style = document.styles["Marking"]
    marking.text = MARKING
    title = header.add_paragraph("{{panel_name}} \u2013 {{document_title}}", style="Header")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER

    footer = section.footer
    footer.is_linked_to_previous = False
    notice = footer.paragraphs[0]
    notice.style = document.styles["Footer"]
    notice.alignment = WD_ALIGN_PARAGRAPH.CENTER
    notice.text = NOTICE
    pages = footer.add_paragraph(style="Footer")
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pages.add_run("Page ")
    _field(pages, "PAGE", "1")
    pages.add_run(" of ")
    _field(pages, "NUMPAGES", "1")
    footer.add_paragraph(MARKING, style="Marking")


def build() -> bytes:
    document = Document()
    _styles(document)
    _page_setup(document)
    # The stock template's body holds one empty paragraph: the generated body starts clean.
    body = document.element.body
    for paragraph in body.findall(qn("w:p")):
        body.remove(paragraph)
    # The stock package carries a thumbnail of python-docx's own blank page: file browsers
    # would preview it instead of the document.
    package = document.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype == RT.THUMBNAIL:
            package.rels.pop(key)
    properties = document.core_properties
    properties.author = "Panel Service"
    properties.last_modified_by = "Panel Service"
    properties.title = ""
    properties.comments = ""
    properties.created = properties.modified = FIXED_TIME
    properties.last_printed = FIXED_TIME
    properties.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    return _reproducible(raw.getvalue())


def _reproducible(docx: bytes) -> bytes:
    """The same package with fixed entry timestamps and order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def main() -> int:
    target = HERE / "base.docx"
    target.write_bytes(build())
    print(
        f"wrote {target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
