"""Attempts counted for rate limits — sign-in links asked for, enrollments submitted — each under
the keys it is limited by (an address, an organization, a client). What is counted is kept only
as a digest, and old attempts are pruned."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, and_, bindparam, delete, func, or_, select
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
    values: dict[str, object] = {}
    for n, (kind, digest, since) in enumerate(digests):
        values |= {f"kind{n}": kind, f"digest{n}": digest, f"since{n}": since}
    rows = await session.execute(_tallies_of(len(asked)), values)
    found = {(kind, digest): Tally(int(made), oldest) for kind, digest, made, oldest in rows}
    return [found.get((kind, digest), Tally(0, None)) for kind, digest, _ in digests]


@functools.cache
def _tallies_of(keys: int) -> Select[str, str, int, datetime]:
    """The query for ``keys`` keys, built once: a data-exchange message asks it every time.
    Core columns, not the mapped class's: no ORM work for a few counts."""
    attempts = AttemptRow.__table__.c
    return (
        select(attempts.kind, attempts.subject_digest, func.count(), func.min(attempts.at))
        .where(
            or_(
                *(
                    and_(
                        attempts.kind == bindparam(f"kind{n}"),
                        attempts.subject_digest == bindparam(f"digest{n}"),
                        attempts.at >= bindparam(f"since{n}"),
                    )
                    for n in range(keys)
                )
            )
        )
        .group_by(attempts.kind, attempts.subject_digest)
    )
