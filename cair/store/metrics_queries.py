"""What the service's gauges read from the store at scrape time: counts grouped by a bounded
column (stage, status), never a row's id or address; a handful of indexed aggregate queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.emails import PENDING
from cair.store.models import (
    AccountChangeRow,
    DxSiteRow,
    EmailRow,
    EnrollmentRequestRow,
    IncidentRow,
    as_utc,
)


@dataclass(frozen=True)
class StoreGauges:
    """One reading of the store, as the gauges show it."""

    enrollments: dict[str, int] = field(default_factory=dict)  # stage -> how many
    oldest_age_seconds: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    changes_awaiting_approval: int = 0
    emails_pending: int = 0
    emails_failed: int = 0
    held_steps: int = 0
    dx_sites: dict[str, int] = field(default_factory=dict)  # stage -> how many


async def read_gauges(
    session: AsyncSession,
    *,
    awaiting_approval: str,
    mail_step_prefix: str,
    now: datetime | None = None,
) -> StoreGauges:
    """Every gauge in one session. An enrollment's age in its stage is the time since its row
    last changed (a stage change is such a change). A failed e-mail is a held step of a mail
    (``mail_step_prefix``): its retries ran out and it waits for staff."""
    now = now or datetime.now(UTC)
    enrollments: dict[str, int] = {}
    oldest: dict[str, float] = {}
    rows = await session.execute(
        select(
            EnrollmentRequestRow.stage,
            func.count(),
            func.min(EnrollmentRequestRow.updated_at),
        ).group_by(EnrollmentRequestRow.stage)
    )
    for stage, count, since in rows:
        enrollments[str(stage)] = int(count)
        if since is not None:
            oldest[str(stage)] = max((now - as_utc(since)).total_seconds(), 0.0)
    changes = await session.scalar(
        select(func.count())
        .select_from(AccountChangeRow)
        .where(AccountChangeRow.status == awaiting_approval)
    )
    pending = await session.scalar(
        select(func.count()).select_from(EmailRow).where(EmailRow.status == PENDING)
    )
    open_incidents = IncidentRow.resolved_at.is_(None)
    held = await session.scalar(select(func.count()).select_from(IncidentRow).where(open_incidents))
    failed_mail = await session.scalar(
        select(func.count())
        .select_from(IncidentRow)
        .where(open_incidents, IncidentRow.step.startswith(mail_step_prefix))
    )
    sites = await session.execute(select(DxSiteRow.stage, func.count()).group_by(DxSiteRow.stage))
    return StoreGauges(
        enrollments=enrollments,
        oldest_age_seconds=oldest,
        changes_awaiting_approval=int(changes or 0),
        emails_pending=int(pending or 0),
        emails_failed=int(failed_mail or 0),
        held_steps=int(held or 0),
        dx_sites={str(stage): int(count) for stage, count in sites},
    )
