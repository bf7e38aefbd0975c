"""The audit log: appended once per key (a retried activity writes its entry once), read per
organization."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import AuditRow, as_utc


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
    (a retry, a local activity after a crash) knows not to write over what happened since."""
    if await session.scalar(select(AuditRow.id).where(AuditRow.idempotency_key == key)):
        return False
    session.add(
        AuditRow(
            idempotency_key=key,
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            provider_id=provider_id,
            old_value=old,
            new_value=new,
        )
    )
    return True


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


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        at=as_utc(row.at).isoformat(),
        actor=row.actor,
        action=row.action,
        subject=f"{row.subject_type} {row.subject_id}",
        old=row.old_value,
        new=row.new_value,
    )
