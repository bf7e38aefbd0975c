"""Append to the audit log; keyed, so a retried activity writes its entry once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import AuditRow


async def append_audit(
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
) -> None:
    exists = await session.scalar(select(AuditRow.id).where(AuditRow.idempotency_key == key))
    if exists is not None:
        return
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
