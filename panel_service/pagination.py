"""Pagination, shared by every list endpoint."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.params import Parameter

from panel_service.errors import Invalid
from panel_service.settings import get_settings

T = TypeVar("T")


class PageParams(msgspec.Struct, frozen=True):
    limit: int
    offset: int


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def provide_page(
    limit: Annotated[int, Parameter(ge=1, required=False)] = 50,
    offset: Annotated[int, Parameter(ge=0, required=False)] = 0,
) -> PageParams:
    """The ``limit``/``offset`` query parameters, refusing pages past the configured size."""
    maximum = get_settings().max_page_size
    if limit > maximum:
        raise Invalid(f"limit must be at most {maximum}", field="limit")
    return PageParams(limit=limit, offset=offset)
