"""Idempotency keys of POST requests: the first answer, replayed to a retry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import IdempotencyRow

KEEP = timedelta(hours=24)


async def find(session: AsyncSession, scope: str, key: str) -> IdempotencyRow | None:
    return await session.scalar(
        select(IdempotencyRow).where(IdempotencyRow.scope == scope, IdempotencyRow.key == key)
    )


async def claim(session: AsyncSession, scope: str, key: str, body_digest: str) -> bool:
    """Take the key for a request now running; False when another request has it already."""
    now = datetime.now(UTC)
    await session.execute(delete(IdempotencyRow).where(IdempotencyRow.created_at < now - KEEP))
    try:
        async with session.begin_nested():  # a savepoint: losing the race leaves the rest intact
            session.add(IdempotencyRow(scope=scope, key=key, body_digest=body_digest))
    except IntegrityError:
        return False
    return True


async def complete(
    session: AsyncSession,
    scope: str,
    key: str,
    *,
    status: int,
    response: str | None,
    content_type: str,
) -> None:
    row = await find(session, scope, key)
    if row is not None:
        row.status, row.response, row.content_type = status, response, content_type


async def release(session: AsyncSession, scope: str, key: str) -> None:
    """A request that failed on our side gives its key back, so a retry runs again."""
    await session.execute(
        delete(IdempotencyRow).where(IdempotencyRow.scope == scope, IdempotencyRow.key == key)
    )
