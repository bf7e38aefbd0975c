"""One page of a list, cut in SQL: the caller orders the query by something unique (so a row
is on exactly one page), this counts what the filters match and fetches the window."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

AnySelect = Select[*tuple[Any, ...]]
Query = TypeVar("Query", bound=AnySelect)


async def count(session: AsyncSession, query: AnySelect) -> int:
    """How many rows the (unordered) query matches: the total beside a page."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return int(total or 0)


def window(query: Query, *, limit: int | None, offset: int) -> Query:
    """The page's rows; ``limit=None`` for every row from ``offset`` (for a whole list)."""
    query = query.offset(offset) if offset else query
    return query.limit(limit) if limit is not None else query
