"""Signed-in sessions of representatives; only a digest of each token is kept."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cair.security.tokens import new_token, token_digest
from cair.store.models import RepSessionRow, as_utc


async def open_session(
    session: AsyncSession, *, representative_id: int, provider_id: str, expires_at: datetime
) -> str:
    """A new session; returns its token (shown once, never stored)."""
    token = new_token()
    session.add(
        RepSessionRow(
            token_hash=token_digest(token),
            representative_id=representative_id,
            provider_id=provider_id,
            expires_at=expires_at,
        )
    )
    return token


async def find_live(
    session: AsyncSession, token: str, *, now: datetime | None = None
) -> RepSessionRow | None:
    """The session of ``token`` if it is neither revoked nor expired."""
    row = await session.scalar(
        select(RepSessionRow).where(RepSessionRow.token_hash == token_digest(token))
    )
    now = now or datetime.now(UTC)
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= now:
        return None
    return row


async def revoke_for_representative(session: AsyncSession, representative_id: int) -> None:
    await session.execute(
        update(RepSessionRow)
        .where(
            RepSessionRow.representative_id == representative_id,
            RepSessionRow.revoked_at.is_(None),
        )
        .values(revoked_at=datetime.now(UTC))
    )
