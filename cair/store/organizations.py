"""Enrolled organizations and their sites."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import OrganizationRow, SiteRow


async def by_provider_id(session: AsyncSession, provider_id: str) -> OrganizationRow | None:
    return await session.scalar(
        select(OrganizationRow).where(OrganizationRow.provider_id == provider_id)
    )


async def by_enrollment(session: AsyncSession, enrollment_id: str) -> OrganizationRow | None:
    return await session.scalar(
        select(OrganizationRow).where(OrganizationRow.enrollment_id == enrollment_id)
    )


async def get(session: AsyncSession, organization_id: int) -> OrganizationRow | None:
    return await session.get(OrganizationRow, organization_id)


async def create(session: AsyncSession, row: OrganizationRow) -> OrganizationRow:
    """Insert and flush, so the row number (the Provider ID's source) is known."""
    session.add(row)
    await session.flush()
    return row


async def main_site(session: AsyncSession, organization_id: int) -> SiteRow | None:
    """The organization's first site (the one enrolled with it)."""
    site: SiteRow | None = await session.scalar(
        select(SiteRow).where(SiteRow.organization_id == organization_id).order_by(SiteRow.id)
    )
    return site


async def add_site(session: AsyncSession, site: SiteRow) -> SiteRow:
    session.add(site)
    await session.flush()
    return site


def site_view(site: SiteRow | None) -> dict[str, Any]:
    return {
        "facility_id": site.facility_id if site else None,
        "physical_address": site.physical_address if site else None,
        "mailing_address": site.mailing_address if site else None,
        "vaccine_delivery_address": site.vaccine_delivery_address if site else None,
        "vfc_pin": site.vfc_pin if site else None,
    }
