"""Building a Word document on a base document: its styles, page set-up, header and footer.

A base document (``templates/docx/base.docx``, or ``<kind>.docx`` beside it for one kind
of document) carries everything about the look. The code only names the styles in
``STYLES``, writes the panel's name and the document's title into the header placeholders,
and appends headings, paragraphs and tables to the body. An organisation can replace the
base with its own branded one as long as it keeps those style names (see
``templates/docx/README.md``).

Speed: each style is resolved by name once per document (python-docx's own lookup walks
the styles part every time it is asked), and paragraphs and tables are written as WordML
elements directly rather than through python-docx's per-cell proxies.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from lxml import etree

from panel_service.documents.templates import (
    W_NS,
    XML_SPACE,
    TemplateError,
    fill_header,
    read_base,
)
from panel_service.documents.text import xml_safe


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element or attribute."""
    return f"{{{W_NS}}}{tag}"


_P, _PPR, _PSTYLE, _R, _RPR, _B, _T, _BR, _TAB = (
    w(t) for t in ("p", "pPr", "pStyle", "r", "rPr", "b", "t", "br", "tab")
)
_TBL, _TBLPR, _TBLSTYLE, _TBLW, _TBLLAYOUT, _TBLLOOK, _TBLGRID, _GRIDCOL = (
    w(t) for t in ("tbl", "tblPr", "tblStyle", "tblW", "tblLayout", "tblLook", "tblGrid", "gridCol")
)
_TR, _TRPR, _TBLHEADER, _CANTSPLIT, _TC, _TCPR, _TCW = (
    w(t) for t in ("tr", "trPr", "tblHeader", "cantSplit", "tc", "tcPr", "tcW")
)
_VAL, _W, _TYPE = w("val"), w("w"), w("type")

# What the code asks of a base document: key -> (style name, kind).
STYLES: dict[str, tuple[str, WD_STYLE_TYPE]] = {
    "title": ("Title", WD_STYLE_TYPE.PARAGRAPH),
    "subtitle": ("Subtitle", WD_STYLE_TYPE.PARAGRAPH),
    "heading1": ("Heading 1", WD_STYLE_TYPE.PARAGRAPH),
    "heading2": ("Heading 2", WD_STYLE_TYPE.PARAGRAPH),
    "normal": ("Normal", WD_STYLE_TYPE.PARAGRAPH),
    "note": ("Note", WD_STYLE_TYPE.PARAGRAPH),
    "statement": ("Statement", WD_STYLE_TYPE.PARAGRAPH),
    "bullet": ("List Bullet", WD_STYLE_TYPE.PARAGRAPH),
    "table_heading": ("Table Heading", WD_STYLE_TYPE.PARAGRAPH),
    "table_label": ("Table Label", WD_STYLE_TYPE.PARAGRAPH),
    "table_text": ("Table Text", WD_STYLE_TYPE.PARAGRAPH),
    "panel_table": ("Panel Table", WD_STYLE_TYPE.TABLE),
    "details_table": ("Details Table", WD_STYLE_TYPE.TABLE),
}
TWIPS_PER_CM = 567


@dataclass(frozen=True, slots=True)
class Strong:
    """Text shown in bold."""

    text: str


class _Continued:
    """A table cell that continues the group of the cell above it: left blank. (Not a
    vertical merge: LibreOffice 7.4 drew some merged cells without their borders.)"""

    def __repr__(self) -> str:
        return "SAME"


SAME = _Continued()
# Rows holding less text than this are kept on one page; a longer row may break across
# pages (a row taller than a page must, or its text would be cut off).
_KEEP_ROW_TOGETHER_BELOW = 1200


# A run is plain or bold text; a line is one run or a tuple of runs (one paragraph); a cell
# is one line or a list of lines (a paragraph each). Line breaks and tabs inside text are
# kept as Word line breaks and tabs.
Run = str | Strong
Line = Run | tuple[Run, ...]
Cell = Line | list[Line] | _Continued


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    width_cm: float


class DocumentBuilder:
    """One document being built on a base; append to it in reading order, then ``save``."""

    def __init__(self, base: Path, panel_name: str, title: str) -> None:
        try:
            self.document: Any = Document(io.BytesIO(read_base(base)))
        except TemplateError:
            raise
        except Exception as exc:  # a corrupt or non-Word file
            raise TemplateError(f"{base} is not a usable Word document: {exc}") from exc
        self._style_ids = self._resolve_styles(base)
        body = self.document.element.body
        self._body = body
        self._section = body.find(w("sectPr"))
        self._width_twips = self._text_width()
        fill_header(self.document, xml_safe(panel_name), xml_safe(title))
        properties = self.document.core_properties
        properties.title = xml_safe(title)[:250]
        properties.subject = ""
        properties.author = properties.last_modified_by = "Panel Service"
        properties.created = properties.modified = datetime.now(UTC).replace(tzinfo=None)

    # --- set-up ------------------------------------------------------------------------
    def _resolve_styles(self, base: Path) -> dict[str, str]:
        """Every style the code uses, looked up by name once."""
        styles = self.document.styles
        found: dict[str, str] = {}
        missing = []
        for key, (name, kind) in STYLES.items():
            try:
                style = styles[name]
            except KeyError:
                missing.append(name)
                continue
            if style.type != kind:
                missing.append(f"{name} (must be a {kind.name.lower()} style)")
                continue
            found[key] = style.style_id
        if missing:
            raise TemplateError(f"{base} lacks the styles: {', '.join(missing)}")
        return found

    def _text_width(self) -> int:
        section = self.document.sections[0]
        emu = section.page_width - section.left_margin - section.right_margin
        return max(int(emu / 635), TWIPS_PER_CM)  # 635 EMU to the twip

    # --- content -----------------------------------------------------------------------
    def _append(self, element: Any) -> None:
        if self._section is not None:
            self._section.addprevious(element)
        else:
            self._body.append(element)

    def _paragraph(self, parent: Any | None, style_key: str, line: Line) -> Any:
        p = etree.Element(_P) if parent is None else etree.SubElement(parent, _P)
        if style_key != "normal":
            p_pr = etree.SubElement(p, _PPR)
            etree.SubElement(p_pr, _PSTYLE).set(_VAL, self._style_ids[style_key])
        for run in line if isinstance(line, tuple) else (line,):
            if isinstance(run, Strong):
                _add_run(p, run.text, bold=True)
            else:
                _add_run(p, run, bold=False)
        return p

    def title(self, text: str, subtitle: str = "") -> None:
        self._append(self._detached("title", text))
        if subtitle:
            self._append(self._detached("subtitle", subtitle))

    def heading(self, text: str, level: int = 1) -> None:
        self._append(self._detached("heading1" if level == 1 else "heading2", text))

    def paragraph(self, line: Line, style: str = "normal") -> None:
        """A paragraph of body text; ``style`` is a key of ``STYLES`` (normal, note,
        statement)."""
        self._append(self._detached(style, line))

    def label(self, text: str) -> None:
        """A bold line introducing the table after it: set a little apart from what comes
        before, and kept on the same page as the table (never left alone at a page's
        foot)."""
        p = self._detached("normal", Strong(text))
        p_pr = etree.Element(_PPR)
        etree.SubElement(p_pr, w("keepNext"))
        etree.SubElement(p_pr, w("spacing")).set(w("before"), "200")
        p.insert(0, p_pr)
        self._append(p)

    def bullets(self, items: Iterable[Line]) -> None:
        for item in items:
            self._append(self._detached("bullet", item))

    def _detached(self, style_key: str, line: Line) -> Any:
        return self._paragraph(None, style_key, line)

    def details(self, rows: Sequence[tuple[str, Cell]], label_cm: float = 3.6) -> None:
        """Label and value pairs (the meeting's particulars), without a header row."""
        value_cm = self._width_twips / TWIPS_PER_CM - label_cm
        columns = (Column("", label_cm), Column("", value_cm))
        table = self._table("details_table", columns, header=False)
        for label, value in rows:
            self._row(table, columns, ((label, "table_label"), (value, "table_text")))
        self._append(table)

    def listing(self, items: Sequence[Line], count: int = 2) -> None:
        """Short items (agency names) side by side in ``count`` columns, read down."""
        width = self._width_twips / TWIPS_PER_CM / count
        columns = [Column("", width)] * count
        table = self._table("details_table", columns, header=False)
        per_column = -(-len(items) // count)
        for index in range(per_column):
            row = [
                items[c * per_column + index] if c * per_column + index < len(items) else ""
                for c in range(count)
            ]
            self._row(table, columns, [(item, "table_text") for item in row])
        self._append(table)

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[Cell]]) -> None:
        """A table whose header row repeats at the top of every page it runs onto; the
        columns are scaled to the page's text width. A cell given as ``SAME`` is left blank:
        it belongs with the cell above (a case's second action under its slot)."""
        columns = self._fit(columns)
        table = self._table("panel_table", columns, header=True)
        titles = [(c.title, "table_heading") for c in columns]
        self._row(table, columns, titles, header_row=True)
        for row in rows:
            self._row(table, columns, [(cell, "table_text") for cell in row])
        self._append(table)

    def _fit(self, columns: Sequence[Column]) -> list[Column]:
        total = sum(c.width_cm for c in columns)
        scale = self._width_twips / (total * TWIPS_PER_CM)
        return [Column(c.title, c.width_cm * scale) for c in columns]

    def _table(self, style_key: str, columns: Sequence[Column], header: bool) -> Any:
        table = etree.Element(_TBL)
        tbl_pr = etree.SubElement(table, _TBLPR)
        etree.SubElement(tbl_pr, _TBLSTYLE).set(_VAL, self._style_ids[style_key])
        width = etree.SubElement(tbl_pr, _TBLW)
        width.set(_W, str(sum(_twips(c.width_cm) for c in columns)))
        width.set(_TYPE, "dxa")
        etree.SubElement(tbl_pr, _TBLLAYOUT).set(_TYPE, "fixed")
        look = etree.SubElement(tbl_pr, _TBLLOOK)
        look.set(_VAL, "04A0" if header else "0400")
        for name, on in (
            ("firstRow", header),
            ("lastRow", False),
            ("firstColumn", False),
            ("lastColumn", False),
            ("noHBand", True),
            ("noVBand", True),
        ):
            look.set(w(name), "1" if on else "0")
        grid = etree.SubElement(table, _TBLGRID)
        for column in columns:
            etree.SubElement(grid, _GRIDCOL).set(_W, str(_twips(column.width_cm)))
        return table

    def _row(
        self,
        table: Any,
        columns: Sequence[Column],
        cells: Iterable[tuple[Cell, str]],
        header_row: bool = False,
    ) -> None:
        tr = etree.SubElement(table, _TR)
        size = 0
        for column, (cell, style_key) in zip(columns, cells, strict=True):
            tc = etree.SubElement(tr, _TC)
            tc_width = etree.SubElement(etree.SubElement(tc, _TCPR), _TCW)
            tc_width.set(_W, str(_twips(column.width_cm)))
            tc_width.set(_TYPE, "dxa")
            if isinstance(cell, _Continued):
                self._paragraph(tc, style_key, "")
                continue
            lines = cell if isinstance(cell, list) else [cell]
            for line in lines:
                size += _size(line)
                self._paragraph(tc, style_key, line)
            if not lines:
                self._paragraph(tc, style_key, "")
        if header_row or size < _KEEP_ROW_TOGETHER_BELOW:
            tr.insert(0, _row_properties(header_row))

    def save(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def _size(line: Line) -> int:
    runs = line if isinstance(line, tuple) else (line,)
    return sum(len(run.text if isinstance(run, Strong) else run) for run in runs)


def _row_properties(header_row: bool) -> Any:
    """``w:trPr``: the row is never split across pages; a header row repeats on each."""
    tr_pr = etree.Element(_TRPR)
    etree.SubElement(tr_pr, _CANTSPLIT)
    if header_row:
        etree.SubElement(tr_pr, _TBLHEADER)
    return tr_pr


def _twips(cm: float) -> int:
    return round(cm * TWIPS_PER_CM)


def _add_run(p: Any, text: str, bold: bool) -> None:
    """One run of ``text`` (made XML-safe); line breaks and tabs become Word's own."""
    text = xml_safe(text)
    r = etree.SubElement(p, _R)
    if bold:
        etree.SubElement(etree.SubElement(r, _RPR), _B)
    if "\n" not in text and "\t" not in text and "\r" not in text:
        t = etree.SubElement(r, _T)
        t.set(XML_SPACE, "preserve")
        t.text = text
        return
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, line in enumerate(lines):
        if index:
            etree.SubElement(r, _BR)
        for part_index, part in enumerate(line.split("\t")):
            if part_index:
                etree.SubElement(r, _TAB)
            if part:
                t = etree.SubElement(r, _T)
                t.set(XML_SPACE, "preserve")
                t.text = part
