"""Registry staff accounts, their roles, and their second factor (an authenticator's secret,
sealed, and single-use recovery codes, hashed)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store import paging
from cair.store.models import StaffAccountRow, StaffRecoveryCodeRow


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
    """Add a staff member, or give an existing one these roles (and make them active again:
    a removed member comes back, and enrols a new authenticator at their next sign-in)."""
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


async def page(
    session: AsyncSession, *, limit: int | None, offset: int = 0, find: str = ""
) -> tuple[list[StaffAccountRow], int]:
    """One page of the staff whose address or name holds ``find`` (any case), active members
    first, then by address (unique: stable), and how many there are."""
    query = select(StaffAccountRow)
    if words := find.strip().lower():
        query = query.where(
            func.lower(StaffAccountRow.email).contains(words, autoescape=True)
            | func.lower(StaffAccountRow.name).contains(words, autoescape=True)
        )
    total = await paging.count(session, query)
    query = query.order_by(StaffAccountRow.active.desc(), StaffAccountRow.email)
    return list(await session.scalars(paging.window(query, limit=limit, offset=offset))), total


async def deactivate(session: AsyncSession, row: StaffAccountRow) -> None:
    """Removed: no sign-in, and no second factor left to come back to."""
    row.active = False
    await clear_second_factor(session, row)


async def clear_second_factor(session: AsyncSession, row: StaffAccountRow) -> None:
    """The authenticator's secret and every recovery code forgotten: enrol again."""
    row.totp_sealed, row.totp_last_step = None, None
    await session.execute(
        delete(StaffRecoveryCodeRow).where(StaffRecoveryCodeRow.staff_id == row.id)
    )


async def replace_recovery_codes(session: AsyncSession, staff_id: int, hashes: list[str]) -> None:
    await session.execute(
        delete(StaffRecoveryCodeRow).where(StaffRecoveryCodeRow.staff_id == staff_id)
    )
    session.add_all(StaffRecoveryCodeRow(staff_id=staff_id, code_hash=h) for h in hashes)


async def unused_recovery_codes(session: AsyncSession, staff_id: int) -> list[StaffRecoveryCodeRow]:
    return list(
        await session.scalars(
            select(StaffRecoveryCodeRow).where(
                StaffRecoveryCodeRow.staff_id == staff_id, StaffRecoveryCodeRow.used_at.is_(None)
            )
        )
    )


async def use_recovery_code(session: AsyncSession, code_id: int) -> bool:
    """Mark one used; False if another request used it first."""
    result = await session.execute(
        update(StaffRecoveryCodeRow)
        .where(StaffRecoveryCodeRow.id == code_id, StaffRecoveryCodeRow.used_at.is_(None))
        .values(used_at=datetime.now(UTC))
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1
