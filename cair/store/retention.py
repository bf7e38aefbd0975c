"""Purging what is past its retention period (docs/operations.md, "Retention"), one function per
kind. Each selects up to ``batch`` primary keys, deletes those, commits, and goes on until none
is left: a purge never holds a long transaction or a large lock, and one stopped half way (a
timeout, a restart) loses nothing when run again. Each returns how many rows it deleted.

Only what the brief of each kind allows goes; the registry's records (organizations, approved
enrollments, users, audit rows, credentials) are never selected here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cair.domain.contracts.data_exchange import DxStage
from cair.domain.stages import Stage
from cair.store.dx_sites import RECENT_MESSAGES
from cair.store.enrollments import link_subject
from cair.store.models import (
    AttemptRow,
    DxMessageRow,
    DxSiteRow,
    EmailRow,
    EnrollmentKeyRow,
    EnrollmentRequestRow,
    IdempotencyRow,
    LinkTokenRow,
    OrganizationRow,
    SessionRow,
    SiteRow,
)

BATCH = 500
Sessions = async_sessionmaker[AsyncSession]
# The tables purged here, each keyed by its ``id``.
Keyed = (
    type[EnrollmentRequestRow]
    | type[DxMessageRow]
    | type[LinkTokenRow]
    | type[SessionRow]
    | type[IdempotencyRow]
    | type[AttemptRow]
)

# Requests refused or closed without a decision for them: no organization was made of them.
CLOSED_STAGES = (Stage.INVALID, Stage.REFUSED_DUPLICATE, Stage.REJECTED, Stage.EXPIRED)


async def closed_requests(sessions: Sessions, before: datetime, *, batch: int = BATCH) -> int:
    """Requests closed (``CLOSED_STAGES``) before ``before``, with their identity keys, the
    e-mails sent about them (addresses, names in subjects) and their applicant links. One that
    an organization or a site names is kept, whatever its stage."""
    named_by_org = exists().where(OrganizationRow.enrollment_id == EnrollmentRequestRow.id)
    named_by_site = exists().where(SiteRow.enrollment_id == EnrollmentRequestRow.id)
    query = select(EnrollmentRequestRow.id).where(
        EnrollmentRequestRow.stage.in_([s.value for s in CLOSED_STAGES]),
        EnrollmentRequestRow.updated_at < before,
        ~named_by_org,
        ~named_by_site,
    )
    total = 0
    while True:
        async with sessions.begin() as session:
            ids = list(await session.scalars(query.order_by(EnrollmentRequestRow.id).limit(batch)))
            if not ids:
                return total
            await session.execute(
                delete(EnrollmentKeyRow).where(EnrollmentKeyRow.enrollment_id.in_(ids))
            )
            await session.execute(
                delete(LinkTokenRow).where(LinkTokenRow.subject.in_([link_subject(i) for i in ids]))
            )
            await session.execute(delete(EmailRow).where(_sent_about(ids)))
            total += await _delete(session, EnrollmentRequestRow, ids)


def _sent_about(ids: Sequence[str]) -> ColumnElement[bool]:
    """E-mails keyed ``<enrollment id>/<step>`` (the enrollment workflow's keys): one IN per
    id length, not an OR of hundreds of LIKEs (SQLite caps an expression's depth)."""
    lengths = sorted({len(i) for i in ids})
    return or_(
        *(
            func.substr(EmailRow.idempotency_key, 1, n + 1).in_(
                [f"{i}/" for i in ids if len(i) == n]
            )
            for n in lengths
        )
    )


async def dx_messages(sessions: Sessions, before: datetime, *, batch: int = BATCH) -> int:
    """Message outcomes received before ``before`` of sites that are live, except each site's
    latest ``RECENT_MESSAGES``. A site not yet live keeps every outcome: its test plan is
    decided on counts of all its messages since its round began (``dx_sites.counts_after``).
    A live site's workflow has ended and reads no counts again; its page shows the latest."""
    live = select(DxSiteRow.id).where(DxSiteRow.stage == DxStage.LIVE.value)
    newest_first = (
        func.row_number()
        .over(partition_by=DxMessageRow.dx_site_id, order_by=DxMessageRow.id.desc())
        .label("place")
    )
    ranked = (
        select(DxMessageRow.id, DxMessageRow.received_at, newest_first)
        .where(DxMessageRow.dx_site_id.in_(live))
        .subquery()
    )
    query = select(ranked.c.id).where(
        ranked.c.place > RECENT_MESSAGES, ranked.c.received_at < before
    )
    return await _in_batches(sessions, query.order_by(ranked.c.id), DxMessageRow, batch)


async def links(sessions: Sessions, before: datetime, *, batch: int = BATCH) -> int:
    """Links used, withdrawn or expired before ``before``; a usable one stays, however old."""
    ended = or_(
        LinkTokenRow.used_at < before,
        LinkTokenRow.revoked_at < before,
        LinkTokenRow.expires_at < before,
    )
    query = select(LinkTokenRow.id).where(ended).order_by(LinkTokenRow.id)
    return await _in_batches(sessions, query, LinkTokenRow, batch)


async def sessions_ended(sessions: Sessions, before: datetime, *, batch: int = BATCH) -> int:
    """Sessions signed out, expired or last used before ``before`` (a session unused for more
    than its idle time, half an hour, has ended: the period is days)."""
    ended = or_(
        SessionRow.revoked_at < before,
        SessionRow.expires_at < before,
        SessionRow.last_seen_at < before,
    )
    query = select(SessionRow.id).where(ended).order_by(SessionRow.id)
    return await _in_batches(sessions, query, SessionRow, batch)


async def idempotency_keys(sessions: Sessions, before: datetime, *, batch: int = BATCH) -> int:
    """Idempotency keys taken before ``before``: a retry is answered from one for a day only
    (``idempotency.KEEP``); new requests prune them, this clears them when none come."""
    query = select(IdempotencyRow.id).where(IdempotencyRow.created_at < before)
    return await _in_batches(sessions, query.order_by(IdempotencyRow.id), IdempotencyRow, batch)


async def attempts(sessions: Sessions, before: datetime, *, batch: int = BATCH) -> int:
    """Rate-limit attempts made before ``before`` (counted for a day at most, ``attempts.KEEP``)."""
    query = select(AttemptRow.id).where(AttemptRow.at < before).order_by(AttemptRow.id)
    return await _in_batches(sessions, query, AttemptRow, batch)


async def _in_batches(sessions: Sessions, query: Select[Any], table: Keyed, batch: int) -> int:
    total = 0
    while True:
        async with sessions.begin() as session:
            ids = list(await session.scalars(query.limit(batch)))
            if not ids:
                return total
            total += await _delete(session, table, ids)


async def _delete(session: AsyncSession, table: Keyed, ids: Sequence[Any]) -> int:
    result = await session.execute(delete(table).where(table.id.in_(ids)))
    return int(getattr(result, "rowcount", 0) or 0)
