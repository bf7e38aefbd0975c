"""The e-mail log: one row per idempotency key, claimed before sending, marked after."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import EmailRow

SENT = "sent"
PENDING = "pending"


async def by_key(session: AsyncSession, key: str) -> EmailRow | None:
    return await session.scalar(select(EmailRow).where(EmailRow.idempotency_key == key))


async def claim(
    session: AsyncSession,
    row: EmailRow | None,
    *,
    key: str,
    template: str,
    recipients: list[str],
    subject: str,
    message_id: str,
) -> EmailRow:
    """The pending row of this e-mail, made once: ``row`` is what ``by_key`` found in the same
    transaction (``None``: not claimed yet)."""
    if row is None:
        row = EmailRow(
            idempotency_key=key,
            template=template,
            recipients=", ".join(recipients),
            subject=subject,
            message_id=message_id,
            status=PENDING,
        )
        session.add(row)
    return row


async def mark_sent(session: AsyncSession, key: str) -> None:
    await session.execute(
        update(EmailRow)
        .where(EmailRow.idempotency_key == key)
        .values(status=SENT, sent_at=datetime.now(UTC))
    )


async def pending_count(session: AsyncSession, key_prefixes: list[str]) -> int:
    """How many e-mails whose key starts with one of ``key_prefixes`` wait to go out (the relay
    does not answer yet; they go as soon as it does)."""
    if not key_prefixes:
        return 0
    count = await session.scalar(
        select(func.count())
        .select_from(EmailRow)
        .where(
            or_(*(EmailRow.idempotency_key.startswith(p) for p in key_prefixes)),
            EmailRow.status == PENDING,
        )
    )
    return int(count or 0)
