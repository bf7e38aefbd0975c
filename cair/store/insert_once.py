"""INSERT … ON CONFLICT DO NOTHING RETURNING id: a row written once per key in one statement,
with no read before it and no ORM unit of work. Built once per table, dialect and columns."""

from __future__ import annotations

import functools
from typing import Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from cair.store.models.base import Base


async def insert_once(
    session: AsyncSession,
    model: type[Base],
    values: dict[str, Any],
    *,
    unique: tuple[str, ...] = (),
) -> int | None:
    """The new row's id, or None when a unique key (``unique``'s columns, or any) was there."""
    dialect = session.get_bind().dialect.name
    statement = _statement(model, dialect, tuple(values), unique)
    added = await session.scalar(statement, values)
    return int(added) if added is not None else None


@functools.cache
def _statement(
    model: type[Base], dialect: str, columns: tuple[str, ...], unique: tuple[str, ...]
) -> ReturningInsert[Any]:
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    table = cast(Table, model.__table__)
    conflict = [table.c[c] for c in unique] or None
    return (
        insert(table)
        .values({c: bindparam(c, type_=table.c[c].type) for c in columns})
        .on_conflict_do_nothing(index_elements=conflict)
        .returning(table.c.id)
    )
