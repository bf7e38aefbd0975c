"""Authorized representatives of an organization: who may sign in and change its account."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store import links, sessions
from cair.store.models import OrganizationRow, RepresentativeRow


def link_subject(representative_id: int) -> str:
    """The subject of a representative's sign-in links."""
    return f"rep:{representative_id}"


async def get(session: AsyncSession, representative_id: int) -> RepresentativeRow | None:
    return await session.get(RepresentativeRow, representative_id)


async def active_by_email(
    session: AsyncSession, provider_id: str, email: str
) -> RepresentativeRow | None:
    return await session.scalar(
        select(RepresentativeRow)
        .join(OrganizationRow, OrganizationRow.id == RepresentativeRow.organization_id)
        .where(
            OrganizationRow.provider_id == provider_id,
            func.lower(RepresentativeRow.email) == email.strip().lower(),
            RepresentativeRow.active.is_(True),
        )
    )


async def by_email(
    session: AsyncSession, organization_id: int, email: str, *, active_only: bool = True
) -> RepresentativeRow | None:
    query = select(RepresentativeRow).where(
        RepresentativeRow.organization_id == organization_id,
        func.lower(RepresentativeRow.email) == email.strip().lower(),
    )
    if active_only:
        query = query.where(RepresentativeRow.active.is_(True))
    found: RepresentativeRow | None = await session.scalar(query)
    return found


async def active_of(session: AsyncSession, organization_id: int) -> list[RepresentativeRow]:
    rows = await session.scalars(
        select(RepresentativeRow)
        .where(
            RepresentativeRow.organization_id == organization_id,
            RepresentativeRow.active.is_(True),
        )
        .order_by(RepresentativeRow.id)
    )
    return list(rows)


async def credentials_holder(
    session: AsyncSession, organization_id: int, registered_by: str
) -> str | None:
    """Who a site's credentials go to: the representative who registered it while they are
    one; once removed, the organization's primary contact (docs/reliability.md)."""
    active = await active_of(session, organization_id)
    if any(r.email.lower() == registered_by.lower() for r in active):
        return registered_by
    primary = [r for r in active if r.source == "primary_contact"] or active
    return primary[0].email if primary else None


async def count_active(session: AsyncSession, organization_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(RepresentativeRow)
        .where(
            RepresentativeRow.organization_id == organization_id,
            RepresentativeRow.active.is_(True),
        )
    )
    return int(count or 0)


async def add(
    session: AsyncSession,
    *,
    organization_id: int,
    email: str,
    name: str,
    named_by: str,
    source: str,
    user_id: str | None = None,
) -> RepresentativeRow:
    """Name a representative, or bring back a retired one with the same e-mail."""
    existing = await by_email(session, organization_id, email, active_only=False)
    if existing is not None:
        existing.active, existing.removed_at = True, None
        existing.name, existing.named_by, existing.source = name, named_by, source
        existing.user_id = user_id or existing.user_id
        return existing
    row = RepresentativeRow(
        organization_id=organization_id,
        email=email.strip().lower(),
        name=name,
        user_id=user_id,
        named_by=named_by,
        source=source,
    )
    session.add(row)
    await session.flush()
    return row


async def retire(session: AsyncSession, representative: RepresentativeRow) -> None:
    """A representative who leaves loses every session and pending sign-in link at once."""
    representative.active = False
    representative.removed_at = datetime.now(UTC)
    await sessions.revoke_for(session, kind=sessions.REPRESENTATIVE, subject_id=representative.id)
    await links.revoke(session, subject=link_subject(representative.id))


async def change_email(
    session: AsyncSession, organization_id: int, old_email: str, new_email: str
) -> None:
    """A user's corrected address moves their representative record with it; sessions opened
    under the old address end."""
    row = await by_email(session, organization_id, old_email, active_only=False)
    if row is None:
        return
    row.email = new_email.strip().lower()
    await sessions.revoke_for(session, kind=sessions.REPRESENTATIVE, subject_id=row.id)
    await links.revoke(session, subject=link_subject(row.id))
