"""Single-use, expiring links (credential reveal, password setup, sign-in), kept hashed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cair.security.tokens import new_token, token_digest
from cair.store.models import LinkTokenRow, as_utc


class LinkRefused(Exception):
    """The link is unknown, used, revoked or expired; the message says which."""


async def issue_link(
    session: AsyncSession, *, purpose: str, subject: str, issue_key: str, ttl: timedelta
) -> str:
    """A fresh token; earlier unused links of the same issue key stop working."""
    now = datetime.now(UTC)
    await session.execute(
        update(LinkTokenRow)
        .where(
            LinkTokenRow.issue_key == issue_key,
            LinkTokenRow.used_at.is_(None),
            LinkTokenRow.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = new_token()
    session.add(
        LinkTokenRow(
            token_hash=token_digest(token),
            purpose=purpose,
            subject=subject,
            issue_key=issue_key,
            expires_at=now + ttl,
        )
    )
    return token


async def revoke_links(session: AsyncSession, *, subject: str, purpose: str | None = None) -> int:
    """Revoke every pending link of a subject (e.g. an inactivated user)."""
    query = update(LinkTokenRow).where(
        LinkTokenRow.subject == subject,
        LinkTokenRow.used_at.is_(None),
        LinkTokenRow.revoked_at.is_(None),
    )
    if purpose is not None:
        query = query.where(LinkTokenRow.purpose == purpose)
    result = await session.execute(query.values(revoked_at=datetime.now(UTC)))
    return int(getattr(result, "rowcount", 0) or 0)


async def consume_link(
    session: AsyncSession, token: str, *, purpose: str, now: datetime | None = None
) -> LinkTokenRow:
    """Mark the link used and return it, or refuse with a reason a person can act on."""
    now = now or datetime.now(UTC)
    row = await session.scalar(
        select(LinkTokenRow)
        .where(LinkTokenRow.token_hash == token_digest(token), LinkTokenRow.purpose == purpose)
        .with_for_update()
    )
    if row is None:
        raise LinkRefused("this link is not valid; ask registry staff for a new one")
    if row.used_at is not None:
        raise LinkRefused("this link has already been used; ask registry staff for a new one")
    if row.revoked_at is not None:
        raise LinkRefused("this link was replaced by a newer one; use the latest e-mail")
    if as_utc(row.expires_at) <= now:
        raise LinkRefused("this link has expired; ask registry staff for a new one")
    row.used_at = now
    return row
