"""xml_safe: removes exactly the characters XML 1.0 forbids, and nothing else."""

from __future__ import annotations

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from panel_service.documents.text import has_forbidden, xml_safe

ALLOWED_CONTROLS = "\t\n\r"
FORBIDDEN_C0 = [chr(c) for c in range(0x20) if chr(c) not in ALLOWED_CONTROLS]


@pytest.mark.parametrize("character", [*FORBIDDEN_C0, "\ud800", "\udfff", "\ufffe", "\uffff"])
def test_each_forbidden_character_is_removed(character: str) -> None:
    assert xml_safe(f"a{character}b") == "ab"
    assert has_forbidden(f"a{character}b")


@pytest.mark.parametrize(
    "text",
    [
        "tab\tnew line\ncarriage return\r",
        "\u0633\u0627\u0631\u0629 \u05e9\u05e8\u05d4",  # right-to-left
        "\u200f\u202eRTL marks\u202c",  # directional formatting characters
        "Zoe\u0301 cafe\u0301 a\u0308\u0323",  # combining marks
        "\U0001f33b \U0001f44d\U0001f3fd \U0001f469\u200d\U0001f467",  # emoji, ZWJ sequence
        "Smith & Jones <Housing> \"quoted\" 'single'",
        "\x7f\x85\x9f C1 controls are allowed by XML 1.0",
        "\ufffd\ufdd0\U0010fffd edges of the allowed ranges",
        "",
    ],
)
def test_everything_else_is_kept_exactly(text: str) -> None:
    assert xml_safe(text) == text
    assert not has_forbidden(text)


def test_text_pasted_from_word_loses_only_its_control_characters() -> None:
    pasted = "Line one\x0bline two\x0cpage two\x00 end\x07"
    assert xml_safe(pasted) == "Line oneline twopage two end"


def test_a_20000_character_paragraph_is_kept_whole() -> None:
    text = ("word " * 4000)[:20_000]
    assert xml_safe(text) == text


_DOCUMENT = docx.Document()


@settings(deadline=None)
@given(st.text())
def test_the_result_is_always_accepted_by_python_docx(text: str) -> None:
    cleaned = xml_safe(text)
    _DOCUMENT.add_paragraph(cleaned)
    # Only forbidden characters went: what is left is the original in order.
    assert [c for c in text if not has_forbidden(c)] == list(cleaned)
