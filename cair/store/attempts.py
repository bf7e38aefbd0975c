"""Attempts counted for rate limits — sign-in links asked for, enrollments submitted — each under
the keys it is limited by (an address, an organization, a client). What is counted is kept only
as a digest, and old attempts are pruned."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import AttemptRow

KEEP = timedelta(days=1)


def _digest(subject: str) -> str:
    return hashlib.sha256(subject.strip().lower().encode()).hexdigest()


async def record(session: AsyncSession, keys: list[tuple[str, str]]) -> None:
    """One attempt, counted under each (kind, subject) key."""
    now = datetime.now(UTC)
    await session.execute(delete(AttemptRow).where(AttemptRow.at < now - KEEP))
    session.add_all(AttemptRow(kind=k, subject_digest=_digest(s), at=now) for k, s in keys)


async def count(session: AsyncSession, kind: str, subject: str, *, since: datetime) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(AttemptRow)
        .where(
            AttemptRow.kind == kind,
            AttemptRow.subject_digest == _digest(subject),
            AttemptRow.at >= since,
        )
    )
    return int(found or 0)


async def oldest(
    session: AsyncSession, kind: str, subject: str, *, since: datetime
) -> datetime | None:
    """When the oldest attempt still counted was made (to say when to come back)."""
    found: datetime | None = await session.scalar(
        select(func.min(AttemptRow.at)).where(
            AttemptRow.kind == kind,
            AttemptRow.subject_digest == _digest(subject),
            AttemptRow.at >= since,
        )
    )
    return found
