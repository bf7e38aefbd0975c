"""Registry staff accounts and their roles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import StaffAccountRow


def link_subject(staff_id: int) -> str:
    """The subject of a staff member's sign-in links."""
    return f"staff:{staff_id}"


def roles_of(row: StaffAccountRow) -> frozenset[str]:
    return frozenset(r for r in row.roles.split(",") if r)


async def get(session: AsyncSession, staff_id: int) -> StaffAccountRow | None:
    return await session.get(StaffAccountRow, staff_id)


async def by_email(session: AsyncSession, email: str) -> StaffAccountRow | None:
    return await session.scalar(
        select(StaffAccountRow).where(StaffAccountRow.email == email.strip().lower())
    )


async def put(
    session: AsyncSession, *, email: str, name: str, roles: list[str]
) -> tuple[StaffAccountRow, bool]:
    """Add a staff member, or give an existing one these roles (and make them active)."""
    row = await by_email(session, email)
    if row is not None:
        row.name, row.roles, row.active = name or row.name, ",".join(sorted(roles)), True
        return row, False
    row = StaffAccountRow(
        email=email.strip().lower(), name=name, roles=",".join(sorted(roles)), active=True
    )
    session.add(row)
    await session.flush()
    return row, True


async def listing(session: AsyncSession) -> list[StaffAccountRow]:
    return list(await session.scalars(select(StaffAccountRow).order_by(StaffAccountRow.id)))
