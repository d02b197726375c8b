"""Download file names: set by the server, RFC 6266 encoded (an ASCII fallback and the
exact name in UTF-8), with nothing that could steer where the file is saved."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from panel_service.documents.services import content_disposition

HEADER = re.compile(
    r"attachment; filename=\"(?P<plain>[A-Za-z0-9 ._()+,=@-]+)\"; "
    r"filename\*=UTF-8''(?P<exact>[A-Za-z0-9%._~-]+)"
)


def _parts(name: str) -> tuple[str, str]:
    match = HEADER.fullmatch(content_disposition(name))
    assert match, content_disposition(name)
    return match["plain"], unquote(match["exact"])


def test_a_plain_name_is_the_same_in_both_forms() -> None:
    assert _parts("Northtown MARAC agenda 2026-12-03.docx") == (
        "Northtown MARAC agenda 2026-12-03.docx",
        "Northtown MARAC agenda 2026-12-03.docx",
    )


def test_non_ascii_survives_in_the_utf8_form_and_is_folded_in_the_fallback() -> None:
    plain, exact = _parts("Ynys Môn MARAC agenda \u2013 Gwasanaeth Tai.docx")
    assert exact == "Ynys Môn MARAC agenda \u2013 Gwasanaeth Tai.docx"
    assert plain == "Ynys Mon MARAC agenda Gwasanaeth Tai.docx"


@pytest.mark.parametrize(
    "name",
    [
        'Smith & Jones <Housing> "Trust".docx',
        "../../etc/passwd.docx",
        "C:\\Windows\\evil.docx",
        "line\r\nContent-Type: text/html.docx",
        "\x00\x0bcontrol.docx",
        "\u202eexe.docx",
    ],
)
def test_nothing_in_a_name_can_break_the_header_or_the_path(name: str) -> None:
    header = content_disposition(name)
    assert "\r" not in header and "\n" not in header
    plain, exact = _parts(name)
    for unsafe in ("/", "\\", '"', "<", ">", "\x00", "\x0b", "\u202e"):
        assert unsafe not in plain and unsafe not in exact
    assert exact.endswith(".docx") and plain.endswith(".docx")
    assert not exact.startswith(".")


def test_very_long_names_are_shortened_keeping_the_extension() -> None:
    plain, exact = _parts("A" * 500 + ".pdf")
    assert len(exact) <= 125 and exact.endswith(".pdf")
    assert len(plain) <= 125 and plain.endswith(".pdf")
