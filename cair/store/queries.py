"""Read-side queries for listings and status; the store, not Temporal visibility, answers them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import (
    AccountChangeRow,
    EnrollmentRequestRow,
    OrganizationRow,
    UserRow,
    as_utc,
)


@dataclass(frozen=True)
class UserView:
    user_id: str
    role: str
    state: str
    training_deadline: str | None


@dataclass(frozen=True)
class EnrollmentView:
    id: str
    stage: str
    org_name: str
    org_type: str
    county: str
    region: str
    access_level: str
    provider_id: str | None
    duplicate_of: str | None
    decided_by: str | None
    note: str | None
    submitted_at: str
    updated_at: str
    users: list[UserView]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def enrollment_view(session: AsyncSession, enrollment_id: str) -> EnrollmentView | None:
    row = await session.get(EnrollmentRequestRow, enrollment_id)
    if row is None:
        return None
    users: list[UserView] = []
    org = await session.scalar(
        select(OrganizationRow).where(OrganizationRow.enrollment_id == enrollment_id)
    )
    if org is not None:
        users = await users_of(session, org.id)
    return _view(row, users)


async def users_of(session: AsyncSession, organization_id: int) -> list[UserView]:
    rows = await session.scalars(
        select(UserRow).where(UserRow.organization_id == organization_id).order_by(UserRow.id)
    )
    return [
        UserView(
            user_id=str(u.user_id),
            role=u.role,
            state=u.state,
            training_deadline=as_utc(u.training_deadline).isoformat()
            if u.training_deadline
            else None,
        )
        for u in rows
    ]


async def list_enrollments(
    session: AsyncSession, *, stage: str | None = None
) -> list[EnrollmentView]:
    query = select(EnrollmentRequestRow).order_by(EnrollmentRequestRow.submitted_at)
    if stage:
        query = query.where(EnrollmentRequestRow.stage == stage)
    return [_view(row, []) for row in await session.scalars(query)]


async def find_user(session: AsyncSession, user_id: str) -> UserRow | None:
    return await session.scalar(select(UserRow).where(UserRow.user_id == user_id))


async def find_change(session: AsyncSession, change_id: str) -> AccountChangeRow | None:
    return await session.scalar(
        select(AccountChangeRow).where(AccountChangeRow.change_id == change_id)
    )


def _view(row: EnrollmentRequestRow, users: list[UserView]) -> EnrollmentView:
    return EnrollmentView(
        id=row.id,
        stage=row.stage,
        org_name=row.org_name,
        org_type=row.org_type,
        county=row.county,
        region=row.region,
        access_level=row.access_level,
        provider_id=row.provider_id,
        duplicate_of=row.duplicate_of,
        decided_by=row.decided_by,
        note=row.decision_note,
        submitted_at=as_utc(row.submitted_at).isoformat(),
        updated_at=as_utc(row.updated_at).isoformat(),
        users=users,
    )


@dataclass(frozen=True)
class UserListing:
    user_id: str
    provider_id: str
    organization: str
    role: str
    state: str
    training_deadline: str | None


async def list_users(
    session: AsyncSession, *, state: str | None = None, provider_id: str | None = None
) -> list[UserListing]:
    """Users across organizations, e.g. everyone staff may need to record training for."""
    query = (
        select(UserRow, OrganizationRow)
        .join(OrganizationRow, OrganizationRow.id == UserRow.organization_id)
        .order_by(UserRow.id)
    )
    if state:
        query = query.where(UserRow.state == state)
    if provider_id:
        query = query.where(OrganizationRow.provider_id == provider_id)
    return [
        UserListing(
            user_id=str(user.user_id),
            provider_id=str(org.provider_id),
            organization=org.name,
            role=user.role,
            state=user.state,
            training_deadline=as_utc(user.training_deadline).isoformat()
            if user.training_deadline
            else None,
        )
        for user, org in (await session.execute(query)).all()
    ]
