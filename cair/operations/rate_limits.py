"""Rate limits: how many attempts of a kind one subject (an address, an organization, a client)
may make in a window. Checked and counted in the caller's transaction, alike for everyone, so a
limit reveals nothing about who exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cair.operations.errors import TooManyRequests
from cair.store import attempts
from cair.store.database import Session
from cair.store.models import as_utc


@dataclass(frozen=True)
class Limit:
    kind: str  # what is counted, e.g. "sign-in-address"
    subject: str  # whose attempts, e.g. an address (kept as a digest)
    most: int
    window: timedelta
    refusal: str  # "too many … for this address"


async def check_and_count(session: Session, limits: list[Limit]) -> None:
    """Refuse when any limit is reached; otherwise count this attempt under every limit."""
    await refuse_if_reached(session, limits)
    await count(session, limits)


async def refuse_if_reached(session: Session, limits: list[Limit]) -> None:
    """Refuse when any limit is reached, counting nothing (for limits on failures only)."""
    now = datetime.now(UTC)
    asked = [(limit.kind, limit.subject, now - limit.window) for limit in limits]
    for limit, tally in zip(limits, await attempts.tallies(session, asked), strict=True):
        if tally.made >= limit.most:
            first = tally.oldest or now
            wait = max(limit.window - (now - as_utc(first)), timedelta(seconds=1))
            minutes = int(wait.total_seconds() // 60) + 1
            raise TooManyRequests(
                f"{limit.refusal}; try again in {minutes} minute{'s' if minutes > 1 else ''}",
                retry_after_seconds=int(wait.total_seconds()) + 1,
            )


async def count(session: Session, limits: list[Limit]) -> None:
    await attempts.record(session, [(limit.kind, limit.subject) for limit in limits])
