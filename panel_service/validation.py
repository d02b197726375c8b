"""Constrained field types shared by request schemas, so each limit is stated once."""

from __future__ import annotations

from typing import Annotated

import msgspec

# Free text may hold anything a person types, but not control characters that would
# break a mail header; line breaks are allowed only in multi-line fields (``Text``).
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
ShortText = Annotated[str, msgspec.Meta(max_length=300, pattern=r"^[^\x00-\x1f\x7f]*$")]
# Free text keeps line breaks, tabs and what Word pastes (documents strip what XML
# forbids), but not NUL: PostgreSQL cannot store it, so it is refused at the edge.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, msgspec.Meta(max_length=20_000, pattern=NO_NUL)]
Email = Annotated[
    str, msgspec.Meta(max_length=320, pattern=r"^[^@\s\x00-\x1f]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
]
Domain = Annotated[str, msgspec.Meta(max_length=253, pattern=r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")]
Id = Annotated[int, msgspec.Meta(ge=1)]
