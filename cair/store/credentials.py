"""Data-exchange credentials: issued once per issue key, the previous ones of the same holder
revoked; the sealed secret is taken exactly once. The holder is an organization (enrollment's
credentials) or one registered site in one environment (the IZ Portal's)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import CredentialRow, DxSiteRow


def link_subject(credential_id: int) -> str:
    """The subject of a credential's reveal links."""
    return f"credential:{credential_id}"


def credential_id_of(subject: str) -> int:
    return int(subject.removeprefix("credential:"))


async def get(session: AsyncSession, credential_id: int) -> CredentialRow | None:
    return await session.get(CredentialRow, credential_id)


async def by_issue_key(session: AsyncSession, issue_key: str) -> CredentialRow | None:
    return await session.scalar(select(CredentialRow).where(CredentialRow.issue_key == issue_key))


def _holder(
    organization_id: int, dx_site_id: int | None, environment: str | None
) -> ColumnElement[bool]:
    site = (
        CredentialRow.dx_site_id.is_(None)
        if dx_site_id is None
        else CredentialRow.dx_site_id == dx_site_id
    )
    env = (
        CredentialRow.environment.is_(None)
        if environment is None
        else CredentialRow.environment == environment
    )
    return and_(CredentialRow.organization_id == organization_id, site, env)


async def active_for(
    session: AsyncSession,
    organization_id: int,
    *,
    dx_site_id: int | None = None,
    environment: str | None = None,
) -> CredentialRow | None:
    """The holder's working credentials: the organization's, or a site's in one environment."""
    found: CredentialRow | None = await session.scalar(
        select(CredentialRow)
        .where(_holder(organization_id, dx_site_id, environment), CredentialRow.active.is_(True))
        .order_by(CredentialRow.id.desc())
    )
    return found


async def first_site_staging(
    session: AsyncSession, organization_id: int, enrollment_id: str
) -> CredentialRow | None:
    """The staging credentials of the site its IZ Portal enrollment registered (the welcome
    e-mail's)."""
    found: CredentialRow | None = await session.scalar(
        select(CredentialRow)
        .join(DxSiteRow, DxSiteRow.id == CredentialRow.dx_site_id)
        .where(
            CredentialRow.organization_id == organization_id,
            DxSiteRow.registration_key == f"enrollment/{enrollment_id}",
            CredentialRow.environment == "staging",
            CredentialRow.active.is_(True),
        )
        .order_by(CredentialRow.id.desc())
    )
    return found


async def of_organization(session: AsyncSession, organization_id: int) -> list[CredentialRow]:
    rows = await session.scalars(
        select(CredentialRow).where(CredentialRow.organization_id == organization_id)
    )
    return list(rows)


async def count_for(
    session: AsyncSession,
    organization_id: int,
    *,
    dx_site_id: int | None = None,
    environment: str | None = None,
) -> int:
    """How many credentials the holder was ever issued (numbers the next re-issue)."""
    count = await session.scalar(
        select(func.count())
        .select_from(CredentialRow)
        .where(_holder(organization_id, dx_site_id, environment))
    )
    return int(count or 0)


async def for_sign_on(
    session: AsyncSession, *, username: str, facility_id: str, environment: str
) -> tuple[CredentialRow, DxSiteRow] | None:
    """A site's working credentials in ``environment`` by what a SOAP caller gives, with the
    site they open (one read: it is made with every message)."""
    found = (
        await session.execute(
            _sign_on_query(),
            {"username": username, "facility_id": facility_id, "environment": environment},
        )
    ).first()
    return (found[0], found[1]) if found is not None else None


@functools.cache
def _sign_on_query() -> Select[CredentialRow, DxSiteRow]:
    """Built once: every message asks it."""
    return (
        select(CredentialRow, DxSiteRow)
        .join(DxSiteRow, DxSiteRow.id == CredentialRow.dx_site_id)
        .where(
            CredentialRow.username == bindparam("username"),
            CredentialRow.facility_id == bindparam("facility_id"),
            CredentialRow.environment == bindparam("environment"),
            CredentialRow.active.is_(True),
        )
    )


async def issue(session: AsyncSession, row: CredentialRow) -> bool:
    """Add new credentials and revoke the same holder's earlier ones (their secrets stop
    working, their sealed copies are wiped); returns whether earlier ones existed."""
    now = datetime.now(UTC)
    revoked = await session.execute(
        update(CredentialRow)
        .where(
            _holder(row.organization_id, row.dx_site_id, row.environment),
            CredentialRow.active.is_(True),
        )
        .values(active=False, sealed_secret=None, revoked_at=now)
    )
    session.add(row)
    await session.flush()
    return int(getattr(revoked, "rowcount", 0) or 0) > 0


async def take_sealed_secret(session: AsyncSession, credential_id: int) -> str | None:
    """Wipe the sealed copy and return it, if this caller is the one who wiped it: a
    compare-and-swap UPDATE, so two reveals racing each other cannot both have it."""
    sealed = await session.scalar(
        select(CredentialRow.sealed_secret).where(
            CredentialRow.id == credential_id, CredentialRow.active.is_(True)
        )
    )
    if sealed is None:
        return None
    wiped = await session.execute(
        update(CredentialRow)
        .where(CredentialRow.id == credential_id, CredentialRow.sealed_secret == sealed)
        .values(sealed_secret=None)
    )
    return sealed if int(getattr(wiped, "rowcount", 0) or 0) == 1 else None
