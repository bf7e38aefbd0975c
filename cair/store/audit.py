"""The audit log: appended once per key (a retried activity writes its entry once), read per
organization or across the registry, a page at a time (``page``) or in chunks by id for an
export (``extent`` then ``chunk``: the rows that were there when the export began)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store import paging
from cair.store.insert_once import insert_once
from cair.store.models import AuditRow, as_utc
from cair.store.models.base import utcnow


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str
    action: str
    subject: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None


async def append(
    session: AsyncSession,
    *,
    key: str,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    provider_id: str | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> bool:
    """Add the entry once per ``key``; False when it was there already, so a step run again
    (a retry, a local activity after a crash) knows not to write over what happened since. One
    statement: INSERT … ON CONFLICT DO NOTHING RETURNING id (every audited step makes one)."""
    values = {
        "idempotency_key": key,
        "at": utcnow(),
        "actor": actor,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "provider_id": provider_id,
        "old_value": old,
        "new_value": new,
    }
    return await insert_once(session, AuditRow, values, unique=("idempotency_key",)) is not None


async def of_organization(session: AsyncSession, provider_id: str) -> list[AuditEntry]:
    rows = await session.scalars(
        select(AuditRow).where(AuditRow.provider_id == provider_id).order_by(AuditRow.id)
    )
    return [_entry(r) for r in rows]


async def of_subject(session: AsyncSession, subject_id: str) -> list[AuditEntry]:
    rows = await session.scalars(
        select(AuditRow).where(AuditRow.subject_id == subject_id).order_by(AuditRow.id)
    )
    return [_entry(r) for r in rows]


@dataclass(frozen=True)
class AuditFilter:
    """Which entries: one organization's (or all), ``since`` ≤ at < ``until`` (UTC), and a
    kind: an action (``staff.removed``) or its family (``staff``)."""

    provider_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    kind: str | None = None


@dataclass(frozen=True)
class AuditRecord:
    """An entry with every column, for an export."""

    id: int
    at: str
    actor: str
    action: str
    subject_type: str
    subject_id: str
    provider_id: str | None
    old: dict[str, Any] | None
    new: dict[str, Any] | None


def _conditions(chosen: AuditFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if chosen.provider_id is not None:
        found.append(AuditRow.provider_id == chosen.provider_id)
    if chosen.since is not None:
        found.append(AuditRow.at >= chosen.since)
    if chosen.until is not None:
        found.append(AuditRow.at < chosen.until)
    if chosen.kind:
        found.append(
            or_(
                AuditRow.action == chosen.kind,
                AuditRow.action.startswith(chosen.kind + ".", autoescape=True),
            )
        )
    return found


async def page(
    session: AsyncSession,
    chosen: AuditFilter,
    *,
    limit: int | None,
    offset: int = 0,
    newest_first: bool = True,
) -> tuple[list[AuditEntry], int]:
    """One page of the entries and how many there are; by id, which is unique and follows
    the order they were written in."""
    query = select(AuditRow).where(*_conditions(chosen))
    total = await paging.count(session, query)
    query = query.order_by(AuditRow.id.desc() if newest_first else AuditRow.id)
    rows = await session.scalars(paging.window(query, limit=limit, offset=offset))
    return [_entry(r) for r in rows], total


async def extent(session: AsyncSession, chosen: AuditFilter) -> tuple[int, int]:
    """How many entries match and the last one's id (0 for none): an export reads up to that
    id, so the rows it counted are the rows it writes, whatever is appended meanwhile."""
    found = (
        await session.execute(
            select(func.count(), func.max(AuditRow.id)).where(*_conditions(chosen))
        )
    ).one()
    return int(found[0] or 0), int(found[1] or 0)


async def chunk(
    session: AsyncSession, chosen: AuditFilter, *, after: int, up_to: int, size: int
) -> list[AuditRecord]:
    """The next ``size`` entries with ``after`` < id ≤ ``up_to``, oldest first (keyset: no
    session stays open while the caller writes them out)."""
    rows = await session.scalars(
        select(AuditRow)
        .where(*_conditions(chosen), AuditRow.id > after, AuditRow.id <= up_to)
        .order_by(AuditRow.id)
        .limit(size)
    )
    return [
        AuditRecord(
            id=r.id,
            at=as_utc(r.at).isoformat(),
            actor=r.actor,
            action=r.action,
            subject_type=r.subject_type,
            subject_id=r.subject_id,
            provider_id=r.provider_id,
            old=r.old_value,
            new=r.new_value,
        )
        for r in rows
    ]


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        at=as_utc(row.at).isoformat(),
        actor=row.actor,
        action=row.action,
        subject=f"{row.subject_type} {row.subject_id}",
        old=row.old_value,
        new=row.new_value,
    )
