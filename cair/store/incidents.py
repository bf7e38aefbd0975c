"""Incidents: workflow steps that failed for good and wait for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store import paging
from cair.store.models import IncidentRow, as_utc


@dataclass(frozen=True)
class IncidentView:
    key: str
    workflow_id: str
    step: str
    reason: str
    enrollment_id: str | None
    provider_id: str | None
    user_id: str | None
    change_id: str | None
    at: str
    resolved: bool


async def by_key(session: AsyncSession, key: str) -> IncidentRow | None:
    return await session.scalar(select(IncidentRow).where(IncidentRow.key == key))


async def record(session: AsyncSession, row: IncidentRow) -> IncidentRow:
    """Once per key: a retried activity finds the first record."""
    existing = await by_key(session, row.key)
    if existing is not None:
        return existing
    session.add(row)
    await session.flush()
    return row


async def listing(session: AsyncSession, *, open_only: bool = True) -> list[IncidentView]:
    found, _ = await page(session, open_only=open_only, limit=None)
    return found


async def page(
    session: AsyncSession, *, open_only: bool = True, limit: int | None, offset: int = 0
) -> tuple[list[IncidentView], int]:
    """One page of the incidents, oldest first (by id: unique, so stable), and how many."""
    query = select(IncidentRow)
    if open_only:
        query = query.where(IncidentRow.resolved_at.is_(None))
    total = await paging.count(session, query)
    query = paging.window(query.order_by(IncidentRow.id), limit=limit, offset=offset)
    return [_view(r) for r in await session.scalars(query)], total


def _view(r: IncidentRow) -> IncidentView:
    return IncidentView(
        key=r.key,
        workflow_id=r.workflow_id,
        step=r.step,
        reason=r.reason,
        enrollment_id=r.enrollment_id,
        provider_id=r.provider_id,
        user_id=r.user_id,
        change_id=r.change_id,
        at=as_utc(r.created_at).isoformat(),
        resolved=r.resolved_at is not None,
    )


async def open_for_workflow(session: AsyncSession, workflow_id: str) -> list[IncidentRow]:
    rows = await session.scalars(
        select(IncidentRow).where(
            IncidentRow.workflow_id == workflow_id, IncidentRow.resolved_at.is_(None)
        )
    )
    return list(rows)


async def resolve(session: AsyncSession, rows: list[IncidentRow], *, by: str) -> None:
    now = datetime.now(UTC)
    for row in rows:
        row.resolved_at, row.resolved_by = now, by
