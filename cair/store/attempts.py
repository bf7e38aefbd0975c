"""Attempts counted for rate limits — sign-in links asked for, enrollments submitted — each under
the keys it is limited by (an address, an organization, a client). What is counted is kept only
as a digest, and old attempts are pruned."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select
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


@dataclass(frozen=True)
class Tally:
    """How many attempts one key made in its window, and when the oldest of them was made (to
    say when to come back)."""

    made: int
    oldest: datetime | None


async def tallies(session: AsyncSession, asked: list[tuple[str, str, datetime]]) -> list[Tally]:
    """For each (kind, subject, since), its attempts since then: one query for every limit a
    request is held to (each key once)."""
    if not asked:
        return []
    digests = [(kind, _digest(subject), since) for kind, subject, since in asked]
    rows = await session.execute(
        select(AttemptRow.kind, AttemptRow.subject_digest, func.count(), func.min(AttemptRow.at))
        .where(
            or_(
                *(
                    and_(
                        AttemptRow.kind == kind,
                        AttemptRow.subject_digest == digest,
                        AttemptRow.at >= since,
                    )
                    for kind, digest, since in digests
                )
            )
        )
        .group_by(AttemptRow.kind, AttemptRow.subject_digest)
    )
    found = {(kind, digest): Tally(int(made), oldest) for kind, digest, made, oldest in rows}
    return [found.get((kind, digest), Tally(0, None)) for kind, digest, _ in digests]
