"""What closing a site or an organization ends in the store: data-exchange credentials (their
secrets and unused reveal links) and representatives' sessions. The rows stay, for the history."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store import links
from cair.store.credentials import link_subject
from cair.store.models import CredentialRow, DxSiteRow, SessionRow
from cair.store.sessions import REPRESENTATIVE


async def registrations_of_site(session: AsyncSession, site_row_id: int) -> list[int]:
    """The IZ Portal registration (dx_sites row) that points at this site, if any."""
    found = await session.scalars(select(DxSiteRow.id).where(DxSiteRow.site_row_id == site_row_id))
    return list(found)


async def revoke_credentials(
    session: AsyncSession, organization_id: int, *, dx_site_ids: Collection[int] | None = None
) -> list[int]:
    """Revoke the working credentials of an organization (every one), or of some of its
    data-exchange sites: their secrets stop working, their sealed copies are wiped, their
    unused reveal links stop working. Returns their ids."""
    query = select(CredentialRow.id).where(
        CredentialRow.organization_id == organization_id, CredentialRow.active.is_(True)
    )
    if dx_site_ids is not None:
        if not dx_site_ids:
            return []
        query = query.where(CredentialRow.dx_site_id.in_(list(dx_site_ids)))
    found = list(await session.scalars(query))
    if found:
        await session.execute(
            update(CredentialRow)
            .where(CredentialRow.id.in_(found))
            .values(active=False, sealed_secret=None, revoked_at=datetime.now(UTC))
        )
    for credential_id in found:
        await links.revoke(session, subject=link_subject(credential_id))
    return found


async def end_sessions(session: AsyncSession, provider_id: str) -> None:
    """Every open session of the organization's representatives ends."""
    await session.execute(
        update(SessionRow)
        .where(
            SessionRow.kind == REPRESENTATIVE,
            SessionRow.provider_id == provider_id,
            SessionRow.revoked_at.is_(None),
        )
        .values(revoked_at=datetime.now(UTC))
    )
