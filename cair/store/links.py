"""Single-use, expiring links (credential reveal, password setup, sign-in, amendment), kept only
as a digest of their token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cair.security.tokens import new_token, token_digest
from cair.store.models import LinkTokenRow, as_utc


class LinkPurpose(StrEnum):
    CREDENTIAL_REVEAL = "credential_reveal"
    PASSWORD_SETUP = "password_setup"
    SIGN_IN = "sign_in"
    AMEND = "amend"
    STATUS = "status"  # the applicant's key to the status page; used many times


class LinkRefused(Exception):
    """The link is unknown, used, revoked or expired; the message says which."""


async def issue(
    session: AsyncSession, *, purpose: LinkPurpose, subject: str, issue_key: str, ttl: timedelta
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
            purpose=purpose.value,
            subject=subject,
            issue_key=issue_key,
            expires_at=now + ttl,
        )
    )
    return token


async def revoke(session: AsyncSession, *, subject: str, purpose: LinkPurpose | None = None) -> int:
    """Revoke every pending link of a subject (e.g. an inactivated user)."""
    query = update(LinkTokenRow).where(
        LinkTokenRow.subject == subject,
        LinkTokenRow.used_at.is_(None),
        LinkTokenRow.revoked_at.is_(None),
    )
    if purpose is not None:
        query = query.where(LinkTokenRow.purpose == purpose.value)
    result = await session.execute(query.values(revoked_at=datetime.now(UTC)))
    return int(getattr(result, "rowcount", 0) or 0)


async def expire(session: AsyncSession, *, issue_key: str, now: datetime | None = None) -> None:
    """End the life of a link early (its workflow's timer fired)."""
    await session.execute(
        update(LinkTokenRow)
        .where(LinkTokenRow.issue_key == issue_key, LinkTokenRow.used_at.is_(None))
        .values(expires_at=now or datetime.now(UTC))
    )


async def find_usable(
    session: AsyncSession, token: str, *, purpose: LinkPurpose, now: datetime | None = None
) -> LinkTokenRow | None:
    """The link if it could be used now, without using it (e.g. before an amendment is
    accepted: a refused amendment leaves the link usable)."""
    now = now or datetime.now(UTC)
    row = await session.scalar(
        select(LinkTokenRow).where(
            LinkTokenRow.token_hash == token_digest(token), LinkTokenRow.purpose == purpose.value
        )
    )
    usable = row is not None and row.used_at is None and row.revoked_at is None
    return row if usable and row is not None and as_utc(row.expires_at) > now else None


async def consume(
    session: AsyncSession, token: str, *, purpose: LinkPurpose, now: datetime | None = None
) -> LinkTokenRow:
    """Mark the link used and return it, or refuse with a reason a person can act on.

    One conditional UPDATE claims the link, so two redeemers racing each other (even on SQLite,
    where row locks do not exist) cannot both succeed: exactly one changes the row."""
    now = now or datetime.now(UTC)
    digest = token_digest(token)
    claimed = await session.execute(
        update(LinkTokenRow)
        .where(
            LinkTokenRow.token_hash == digest,
            LinkTokenRow.purpose == purpose.value,
            LinkTokenRow.used_at.is_(None),
            LinkTokenRow.revoked_at.is_(None),
            LinkTokenRow.expires_at > now,
        )
        .values(used_at=now)
    )
    row = await session.scalar(
        select(LinkTokenRow).where(
            LinkTokenRow.token_hash == digest, LinkTokenRow.purpose == purpose.value
        )
    )
    if int(getattr(claimed, "rowcount", 0) or 0) == 1 and row is not None:
        return row
    if row is None:
        raise LinkRefused("this link is not valid; ask registry staff for a new one")
    if row.revoked_at is not None:
        raise LinkRefused(
            "this link was replaced by a newer one or withdrawn; use the latest e-mail"
        )
    if row.used_at is not None:
        raise LinkRefused("this link has already been used; ask registry staff for a new one")
    if as_utc(row.expires_at) <= now:
        raise LinkRefused("this link has expired; ask registry staff for a new one")
    raise LinkRefused("this link has already been used; ask registry staff for a new one")
