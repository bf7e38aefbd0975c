"""Signed-in sessions, of representatives and of staff; only a digest of each token is kept. A
session ends at its expiry, after ``idle`` without use, or when revoked (sign-out, or the person
lost the right to it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cair.security.tokens import new_token, token_digest
from cair.store.models import RepresentativeRow, SessionRow, StaffAccountRow, as_utc

REPRESENTATIVE = "representative"
STAFF = "staff"
# Use is written back at most this often, so reading pages does not write on every request.
_TOUCH_EVERY = timedelta(seconds=60)
Holder = TypeVar("Holder", RepresentativeRow, StaffAccountRow)


async def open_session(
    session: AsyncSession,
    *,
    kind: str,
    subject_id: int,
    expires_at: datetime,
    provider_id: str | None = None,
    second_factor: str | None = None,
    pending_totp_sealed: str | None = None,
) -> str:
    """A new session; returns its token (shown once, never stored). With ``second_factor``
    ("enrol" or "code") it is not usable until that is given."""
    token = new_token()
    session.add(
        SessionRow(
            token_hash=token_digest(token),
            kind=kind,
            subject_id=subject_id,
            provider_id=provider_id,
            expires_at=expires_at,
            second_factor=second_factor,
            pending_totp_sealed=pending_totp_sealed,
        )
    )
    return token


async def find_live(
    session: AsyncSession, token: str, *, idle: timedelta, now: datetime | None = None
) -> SessionRow | None:
    """The session of ``token`` unless revoked, expired or idle too long; its use is noted."""
    now = now or datetime.now(UTC)
    row = await session.scalar(
        select(SessionRow).where(SessionRow.token_hash == token_digest(token))
    )
    return row if row is not None and _still_live(row, idle, now) else None


async def find_live_with(
    session: AsyncSession,
    token: str,
    holder: type[Holder],
    kind: str,
    *,
    idle: timedelta,
    now: datetime | None = None,
) -> tuple[SessionRow, Holder] | None:
    """``find_live`` of a session of ``kind`` and the row of whoever holds it, in one query:
    every signed-in request asks this, so it is one round trip instead of two. Its use, when
    noted (at most once a minute), is committed here: the caller's session only reads, with no
    transaction of its own, so a check takes no writer's turn."""
    now = now or datetime.now(UTC)
    found = (
        await session.execute(
            select(SessionRow, holder)
            .join(holder, holder.id == SessionRow.subject_id)
            .where(SessionRow.token_hash == token_digest(token), SessionRow.kind == kind)
        )
    ).first()
    if found is None or not _still_live(found[0], idle, now):
        return None
    if session.dirty:
        await session.commit()
    return found[0], found[1]


def _still_live(row: SessionRow, idle: timedelta, now: datetime) -> bool:
    """Not revoked, expired or idle; its use is noted (at most once a minute)."""
    if row.revoked_at is not None or as_utc(row.expires_at) <= now:
        return False
    if now - as_utc(row.last_seen_at) > idle:
        return False
    if now - as_utc(row.last_seen_at) > _TOUCH_EVERY:
        row.last_seen_at = now
    return True


async def revoke(session: AsyncSession, token: str) -> bool:
    """Sign-out: the session of ``token`` ends now. Returns whether one was open."""
    result = await session.execute(
        update(SessionRow)
        .where(SessionRow.token_hash == token_digest(token), SessionRow.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return int(getattr(result, "rowcount", 0) or 0) > 0


async def revoke_for(session: AsyncSession, *, kind: str, subject_id: int) -> None:
    """Every open session of one person ends (removed, inactivated, address changed)."""
    await session.execute(
        update(SessionRow)
        .where(
            SessionRow.kind == kind,
            SessionRow.subject_id == subject_id,
            SessionRow.revoked_at.is_(None),
        )
        .values(revoked_at=datetime.now(UTC))
    )
