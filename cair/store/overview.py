"""The figures of the staff overview, counted by the database: enrollments per region and week,
the open queue by stage and age, users awaiting training by how near their deadline is, IZ
Portal sites by stage. The caller gives the boundaries (week starts, the latest submission
that has waited so many business days, deadline limits) as UTC moments, so the calendar rules
stay in domain/ and each figure is one grouped count. Approval times are the exception: a
business-day count between two moments is no SQL, so those come back as pairs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Subquery, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import AuditRow, DxSiteRow, EnrollmentRequestRow, UserRow, as_utc

APPROVED_STAGE = "provisioning"  # an approval records the enrollment's move into provisioning


def _at_or_after(column: Any, starts: Sequence[datetime]) -> ColumnElement[int]:
    """Which of the ascending ``starts`` the moment falls at or after last (0 for the first)."""
    whens = [(column >= start, index) for index, start in reversed(list(enumerate(starts)))]
    return case(*whens, else_=-1)


async def weekly_submissions(
    session: AsyncSession, starts: Sequence[datetime], end: datetime
) -> dict[tuple[str, int], int]:
    """Enrollments submitted from ``starts[0]`` to ``end``, by region and by week (the index
    of the week's start in ``starts``, ascending)."""
    week = _at_or_after(EnrollmentRequestRow.submitted_at, starts).label("bucket")
    inner = (
        select(EnrollmentRequestRow.region.label("key"), week)
        .where(
            EnrollmentRequestRow.submitted_at >= starts[0],
            EnrollmentRequestRow.submitted_at < end,
        )
        .subquery()
    )
    return await _grouped(session, inner)


async def queue_by_age(
    session: AsyncSession, stages: Sequence[str], waited_from: Sequence[datetime]
) -> dict[tuple[str, int], int]:
    """Enrollments in ``stages`` by stage and age bucket. ``waited_from`` are, oldest bucket
    last, the latest submission moments that have waited each bucket's least age; the bucket
    is how many of them the submission is at or before (0: younger than the first)."""
    submitted = EnrollmentRequestRow.submitted_at
    whens = [(submitted <= moment, i + 1) for i, moment in reversed(list(enumerate(waited_from)))]
    bucket = (case(*whens, else_=0) if whens else literal(0)).label("bucket")
    inner = (
        select(EnrollmentRequestRow.stage.label("key"), bucket)
        .where(EnrollmentRequestRow.stage.in_(list(stages)))
        .subquery()
    )
    return await _grouped(session, inner)


async def _grouped(session: AsyncSession, inner: Subquery) -> dict[tuple[str, int], int]:
    """Rows of (key, bucket) counted. Grouped outside the query that computes the bucket: a
    CASE with bound limits is not the same expression twice to PostgreSQL's GROUP BY."""
    rows = await session.execute(
        select(inner.c.key, inner.c.bucket, func.count()).group_by(inner.c.key, inner.c.bucket)
    )
    return {(key, int(index)): int(count) for key, index, count in rows.all()}


async def approvals_since(
    session: AsyncSession, since: datetime
) -> list[tuple[datetime, datetime]]:
    """(submitted, approved) of every enrollment approved since ``since``: the approval is
    the audit entry of its move into provisioning (there is no approval column)."""
    rows = await session.execute(
        select(EnrollmentRequestRow.submitted_at, func.min(AuditRow.at))
        .join(AuditRow, AuditRow.subject_id == EnrollmentRequestRow.id)
        .where(
            AuditRow.subject_type == "enrollment",
            AuditRow.action == "enrollment.stage",
            AuditRow.new_value["stage"].as_string() == APPROVED_STAGE,
            AuditRow.at >= since,
        )
        .group_by(EnrollmentRequestRow.id, EnrollmentRequestRow.submitted_at)
    )
    return [(as_utc(submitted), as_utc(approved)) for submitted, approved in rows.all()]


async def training_deadlines(
    session: AsyncSession, state: str, limits: Sequence[datetime]
) -> dict[int, int]:
    """Users in ``state`` by deadline: 0 before ``limits[0]`` (overdue), then 1, 2… for at or
    before each later limit, ``len(limits)`` after the last, ``-1`` without a deadline."""
    deadline = UserRow.training_deadline
    whens = [(deadline.is_(None), -1), (deadline < limits[0], 0)]
    whens += [(deadline <= limit, i) for i, limit in enumerate(limits[1:], 1)]
    bucket = case(*whens, else_=len(limits)).label("bucket")
    inner = select(UserRow.state.label("key"), bucket).where(UserRow.state == state).subquery()
    return {index: count for (_, index), count in (await _grouped(session, inner)).items()}


async def dx_sites_by_stage(session: AsyncSession) -> dict[str, int]:
    """IZ Portal sites by onboarding stage."""
    rows = await session.execute(select(DxSiteRow.stage, func.count()).group_by(DxSiteRow.stage))
    return {stage: int(count) for stage, count in rows.all()}
