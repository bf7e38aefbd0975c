"""Single-use, expiring links (credential reveal, password setup, sign-in, amendment), kept only
as a digest of their token."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cair.security.tokens import new_token, token_digest
from cair.store.models import EmailRow, LinkTokenRow, as_utc


class LinkPurpose(StrEnum):
    CREDENTIAL_REVEAL = "credential_reveal"
    PASSWORD_SETUP = "password_setup"
    SIGN_IN = "sign_in"
    AMEND = "amend"
    STATUS = "status"  # the applicant's key to the status page; used many times
    CONFIRM_CONTACT = "confirm_contact"  # a new primary contact confirms their address
    CONFIRM_ENROLLMENT = "confirm_enrollment"  # an applicant's contact, before staff review


class LinkProblem(StrEnum):
    """Why a link cannot be used; each reads as a sentence a person can act on."""

    UNKNOWN = "this link is not valid; ask registry staff for a new one"
    REPLACED = "this link was replaced by a newer one or withdrawn; use the latest e-mail"
    USED = "this link has already been used; ask registry staff for a new one"
    EXPIRED = "this link has expired; ask registry staff for a new one"


class LinkRefused(Exception):
    """The link is unknown, used, revoked or expired; ``problem`` says which."""

    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def problem_of(row: LinkTokenRow | None, now: datetime) -> LinkProblem | None:
    """None when the link could be used at ``now``."""
    if row is None:
        return LinkProblem.UNKNOWN
    if row.revoked_at is not None:
        return LinkProblem.REPLACED
    if row.used_at is not None:
        return LinkProblem.USED
    if as_utc(row.expires_at) <= now:
        return LinkProblem.EXPIRED
    return None


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
    row = await _row(session, token, purpose)
    return row if problem_of(row, now or datetime.now(UTC)) is None else None


async def inspect(session: AsyncSession, token: str, *, purpose: LinkPurpose) -> LinkProblem | None:
    """What is wrong with a link, without using it (None: nothing): a page behind an e-mailed
    link says so before the person presses anything."""
    return problem_of(await _row(session, token, purpose), datetime.now(UTC))


async def peek(session: AsyncSession, token: str, *, purpose: LinkPurpose) -> LinkTokenRow:
    """The link, left unused, if it can still be used; LinkRefused saying why otherwise."""
    row = await _row(session, token, purpose)
    problem = problem_of(row, datetime.now(UTC))
    if problem is not None or row is None:
        raise LinkRefused(problem or LinkProblem.UNKNOWN)
    return row


async def _row(session: AsyncSession, token: str, purpose: LinkPurpose) -> LinkTokenRow | None:
    return await session.scalar(
        select(LinkTokenRow).where(
            LinkTokenRow.token_hash == token_digest(token), LinkTokenRow.purpose == purpose.value
        )
    )


async def consume(
    session: AsyncSession, token: str, *, purpose: LinkPurpose, now: datetime | None = None
) -> LinkTokenRow:
    """Mark the link used and return it, or refuse with a reason a person can act on.

    One conditional UPDATE claims the link, so two redeemers racing each other (even on SQLite,
    where row locks do not exist) cannot both succeed: exactly one changes the row."""
    now = now or datetime.now(UTC)
    claimed = await session.execute(
        update(LinkTokenRow)
        .where(
            LinkTokenRow.token_hash == token_digest(token),
            LinkTokenRow.purpose == purpose.value,
            LinkTokenRow.used_at.is_(None),
            LinkTokenRow.revoked_at.is_(None),
            LinkTokenRow.expires_at > now,
        )
        .values(used_at=now)
    )
    row = await _row(session, token, purpose)
    if int(getattr(claimed, "rowcount", 0) or 0) == 1 and row is not None:
        return row
    # Lost the race to another redeemer in this instant: that is a used link too.
    raise LinkRefused(problem_of(row, now) or LinkProblem.USED)


async def revoke_credential_links_sent_to(
    session: AsyncSession, email: str, subjects: Collection[str], now: datetime | None = None
) -> int:
    """Unused reveal links of these credentials (``subjects``) that were e-mailed to ``email``:
    a representative removed loses what was sent to them and not yet opened."""
    sent = select(EmailRow.idempotency_key).where(
        func.lower(EmailRow.recipients).contains(email.strip().lower())
    )
    revoked = await session.execute(
        update(LinkTokenRow)
        .where(
            LinkTokenRow.purpose == LinkPurpose.CREDENTIAL_REVEAL.value,
            LinkTokenRow.subject.in_(list(subjects)),
            LinkTokenRow.issue_key.in_(sent),
            LinkTokenRow.used_at.is_(None),
            LinkTokenRow.revoked_at.is_(None),
        )
        .values(revoked_at=now or datetime.now(UTC))
    )
    return int(getattr(revoked, "rowcount", 0) or 0)
