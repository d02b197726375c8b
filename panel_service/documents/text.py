"""Text made safe for a Word document: only the characters XML 1.0 forbids are removed.

Text pasted from Word can carry vertical tabs (Word's manual line break), form feeds, NULs
and other C0 controls; python-docx and lxml refuse them, and the document would not build.
XML 1.0 allows tab, line feed, carriage return, U+0020-U+D7FF, U+E000-U+FFFD and
U+10000-U+10FFFF: everything else (the remaining C0 controls, lone surrogates, U+FFFE and
U+FFFF) is dropped, and nothing more. Right-to-left text, combining marks, emoji, C1
controls and ``&``/``<`` (lxml escapes those) are kept as they are.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _FORBIDDEN.sub("", text)


def has_forbidden(text: str) -> bool:
    """Whether ``text`` holds a character XML 1.0 forbids."""
    return _FORBIDDEN.search(text) is not None
