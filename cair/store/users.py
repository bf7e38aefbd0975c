"""User accounts: created once per creation key, never deleted (inactivated), listed per
organization and across organizations for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cair.domain import ids
from cair.store import paging
from cair.store.models import OrganizationRow, RepresentativeRow, UserRow, as_utc


@dataclass(frozen=True)
class UserView:
    user_id: str
    role: str
    state: str
    training_deadline: str | None


@dataclass(frozen=True)
class UserListing:
    user_id: str
    provider_id: str
    organization: str
    role: str
    state: str
    training_deadline: str | None
    name: str = ""  # whom the trainer is recording training for


async def by_user_id(session: AsyncSession, user_id: str) -> UserRow | None:
    return await session.scalar(select(UserRow).where(UserRow.user_id == user_id))


async def in_organization(
    session: AsyncSession, organization_id: int, user_id: str
) -> UserRow | None:
    return await session.scalar(
        select(UserRow).where(
            UserRow.user_id == user_id, UserRow.organization_id == organization_id
        )
    )


async def of_organization(session: AsyncSession, organization_id: int) -> list[UserRow]:
    rows = await session.scalars(
        select(UserRow).where(UserRow.organization_id == organization_id).order_by(UserRow.id)
    )
    return list(rows)


async def id_by_email(session: AsyncSession, organization_id: int, email: str) -> str | None:
    """The User ID of the organization's user with this e-mail, if there is one."""
    found: str | None = await session.scalar(
        select(UserRow.user_id).where(
            UserRow.organization_id == organization_id, UserRow.email == email.strip().lower()
        )
    )
    return found


async def create(
    session: AsyncSession,
    *,
    organization: OrganizationRow,
    creation_key: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    state: str,
) -> tuple[UserRow, bool]:
    """Create a user once per ``creation_key``; returns the row and whether it is new. A
    representative with the same e-mail is linked to the new user."""
    user = await session.scalar(select(UserRow).where(UserRow.creation_key == creation_key))
    if user is not None:
        return user, False
    user = UserRow(
        organization_id=organization.id,
        creation_key=creation_key,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        state=state,
        activated_at=datetime.now(UTC) if state == "active" else None,
    )
    session.add(user)
    await session.flush()
    user.user_id = ids.user_id_for(user.id)
    user.activation_workflow_id = ids.user_gate_workflow_id(user.user_id)
    await session.execute(
        update(RepresentativeRow)
        .where(
            RepresentativeRow.organization_id == organization.id,
            RepresentativeRow.email == user.email,
            RepresentativeRow.user_id.is_(None),
        )
        .values(user_id=user.user_id)
    )
    return user, True


async def views_of_organization(session: AsyncSession, organization_id: int) -> list[UserView]:
    return [
        UserView(
            user_id=str(u.user_id),
            role=u.role,
            state=u.state,
            training_deadline=_deadline(u),
        )
        for u in await of_organization(session, organization_id)
    ]


async def listing(
    session: AsyncSession, *, state: str | None = None, provider_id: str | None = None
) -> list[UserListing]:
    """Users across organizations, e.g. everyone staff may need to record training for."""
    found, _ = await listing_page(session, state=state, provider_id=provider_id, limit=None)
    return found


async def listing_page(
    session: AsyncSession,
    *,
    state: str | None = None,
    provider_id: str | None = None,
    limit: int | None,
    offset: int = 0,
) -> tuple[list[UserListing], int]:
    """One page of users across organizations, soonest training deadline first (none last,
    then by id: stable), and how many there are."""
    query = select(UserRow, OrganizationRow).join(
        OrganizationRow, OrganizationRow.id == UserRow.organization_id
    )
    if state:
        query = query.where(UserRow.state == state)
    if provider_id:
        query = query.where(OrganizationRow.provider_id == provider_id)
    total = await paging.count(session, query)
    query = query.order_by(
        UserRow.training_deadline.is_(None), UserRow.training_deadline, UserRow.id
    )
    rows = (await session.execute(paging.window(query, limit=limit, offset=offset))).all()
    return [
        UserListing(
            user_id=str(user.user_id),
            provider_id=str(org.provider_id),
            organization=org.name,
            role=user.role,
            state=user.state,
            training_deadline=_deadline(user),
            name=f"{user.first_name} {user.last_name}",
        )
        for user, org in rows
    ], total


def _deadline(user: UserRow) -> str | None:
    return as_utc(user.training_deadline).isoformat() if user.training_deadline else None


async def set_password(session: AsyncSession, user: UserRow, password_hash: str) -> None:
    user.password_hash = password_hash
    user.password_set_at = datetime.now(UTC)
