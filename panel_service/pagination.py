"""Pagination, shared by every list endpoint."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

import msgspec
from litestar.params import Parameter
from piccolo.custom_types import Combinable
from piccolo.query.methods.count import Count
from piccolo.query.methods.select import Select

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

    @classmethod
    def of(cls, items: list[T], total: int, page: PageParams) -> Page[T]:
        return cls(items=items, total=total, limit=page.limit, offset=page.offset)


async def fetch_page(
    query: Select, count: Count, page: PageParams, *conditions: Combinable | None
) -> tuple[list[dict[str, Any]], int]:
    """One page of ``query``'s rows and the total they are a page of, both filtered by
    every condition given (``None`` stands for a filter the caller did not ask for)."""
    for condition in conditions:
        if condition is not None:
            query, count = query.where(condition), count.where(condition)
    rows = await query.limit(page.limit).offset(page.offset)
    return rows, await count


def provide_page(
    limit: Annotated[int, Parameter(ge=1, required=False)] = 50,
    offset: Annotated[int, Parameter(ge=0, required=False)] = 0,
) -> PageParams:
    """The ``limit``/``offset`` query parameters, refusing pages past the configured size."""
    maximum = get_settings().max_page_size
    if limit > maximum:
        raise Invalid(f"limit must be at most {maximum}", field="limit")
    return PageParams(limit=limit, offset=offset)
