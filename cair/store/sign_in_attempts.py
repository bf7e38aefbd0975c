"""Requests for sign-in links, counted to limit how often links are sent: per address, and per
organization (or for staff). Addresses are kept only as digests, and old attempts are pruned."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import SignInAttemptRow

KEEP = timedelta(days=1)


def address_digest(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


async def record(session: AsyncSession, *, scope: str, address: str) -> None:
    now = datetime.now(UTC)
    await session.execute(delete(SignInAttemptRow).where(SignInAttemptRow.at < now - KEEP))
    session.add(SignInAttemptRow(scope=scope, address_digest=address_digest(address), at=now))


async def count_for_address(session: AsyncSession, address: str, *, since: datetime) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(SignInAttemptRow)
        .where(
            SignInAttemptRow.address_digest == address_digest(address),
            SignInAttemptRow.at >= since,
        )
    )
    return int(found or 0)


async def count_for_scope(session: AsyncSession, scope: str, *, since: datetime) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(SignInAttemptRow)
        .where(SignInAttemptRow.scope == scope, SignInAttemptRow.at >= since)
    )
    return int(found or 0)


async def oldest_since(session: AsyncSession, address: str, *, since: datetime) -> datetime | None:
    """When the oldest counted attempt of an address was made (to say when to come back)."""
    found: datetime | None = await session.scalar(
        select(func.min(SignInAttemptRow.at)).where(
            SignInAttemptRow.address_digest == address_digest(address),
            SignInAttemptRow.at >= since,
        )
    )
    return found
