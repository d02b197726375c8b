"""Base documents: finding the one for a kind of document, reading it, and writing the
panel's name and the document's title over the placeholders in its headers and footers.

An organisation may put its own branded ``base.docx`` (or ``<kind>.docx``) in the templates
directory; see ``templates/docx/README.md`` for what it must keep.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P = f"{{{W_NS}}}p"
_T = f"{{{W_NS}}}t"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
PANEL_NAME = "{{panel_name}}"
DOCUMENT_TITLE = "{{document_title}}"


class TemplateError(Exception):
    """The base document is missing or lacks what the code relies on (a set-up fault)."""


def base_document(templates_dir: Path, kind: str) -> Path:
    """The base for one kind of document: ``<kind>.docx`` if the organisation gave one,
    else ``base.docx``."""
    for name in (f"{kind}.docx", "base.docx"):
        candidate = templates_dir / name
        if candidate.is_file():
            return candidate
    raise TemplateError(f"no base document: neither {kind}.docx nor base.docx in {templates_dir}")


@lru_cache(maxsize=16)
def _template_bytes(path: Path, modified_ns: int) -> bytes:
    return path.read_bytes()


def read_base(path: Path) -> bytes:
    """The base document's bytes, read from disk once while it is unchanged."""
    try:
        return _template_bytes(path, path.stat().st_mtime_ns)
    except OSError as exc:
        raise TemplateError(f"cannot read the base document {path}: {exc}") from exc


def fill_header(document: Any, panel_name: str, title: str) -> None:
    """Write the panel's name and the title over the placeholders in every header and
    footer. A base without the panel placeholder gets the name as a header line, so
    that every page still says whose document it is."""
    values = {PANEL_NAME: panel_name, DOCUMENT_TITLE: title}
    named = False
    for section in document.sections:
        for part in _headers_and_footers(section):
            for paragraph in part._element.iter(_P):
                named |= _replace_placeholders(paragraph, values)
    if not named:
        header = document.sections[0].header
        header.add_paragraph(f"{panel_name} \u2013 {title}")


def _headers_and_footers(section: Any) -> Iterable[Any]:
    """The section's headers and footers that the base defines (never adds one)."""
    for name in (
        "header",
        "footer",
        "first_page_header",
        "first_page_footer",
        "even_page_header",
        "even_page_footer",
    ):
        part = getattr(section, name)
        if not part.is_linked_to_previous:
            yield part


def _replace_placeholders(paragraph: Any, values: dict[str, str]) -> bool:
    """Replace placeholders in one paragraph; True if the panel's name was written. A
    placeholder split across runs (as Word may save it) is joined into the first run."""
    texts = list(paragraph.iter(_T))
    joined = "".join(t.text or "" for t in texts)
    if "{{" not in joined:
        return False
    named = PANEL_NAME in joined
    for t in texts:
        if t.text and "{{" in t.text:
            for placeholder, value in values.items():
                t.text = t.text.replace(placeholder, value)
    if any(p in "".join(t.text or "" for t in texts) for p in values):
        whole = joined
        for placeholder, value in values.items():
            whole = whole.replace(placeholder, value)
        texts[0].text = whole
        texts[0].set(XML_SPACE, "preserve")
        for t in texts[1:]:
            t.text = ""
    return named
