"""Enrolled organizations and their sites (each by its Site ID, ``facility_id``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cair.store.models import EnrollmentRequestRow, OrganizationRow, SiteRow, as_utc


async def by_provider_id(session: AsyncSession, provider_id: str) -> OrganizationRow | None:
    return await session.scalar(
        select(OrganizationRow).where(OrganizationRow.provider_id == provider_id)
    )


async def by_enrollment(session: AsyncSession, enrollment_id: str) -> OrganizationRow | None:
    """The organization an enrollment made — or, for a new site's enrollment, the one it
    joined once provisioned (its row then names the Provider ID)."""
    made: OrganizationRow | None = await session.scalar(
        select(OrganizationRow).where(OrganizationRow.enrollment_id == enrollment_id)
    )
    if made is not None:
        return made
    joined = select(EnrollmentRequestRow.provider_id).where(
        EnrollmentRequestRow.id == enrollment_id
    )
    found: OrganizationRow | None = await session.scalar(
        select(OrganizationRow).where(OrganizationRow.provider_id == joined.scalar_subquery())
    )
    return found


async def site_of_enrollment(session: AsyncSession, enrollment_id: str) -> SiteRow | None:
    """The site an enrollment enrolled (an organization's first, or a later new site)."""
    found: SiteRow | None = await session.scalar(
        select(SiteRow).where(SiteRow.enrollment_id == enrollment_id).order_by(SiteRow.id)
    )
    return found


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


async def sites_of(session: AsyncSession, organization_id: int) -> list[SiteRow]:
    """Every site of the organization, open or closed, in the order they were enrolled."""
    rows = await session.scalars(
        select(SiteRow).where(SiteRow.organization_id == organization_id).order_by(SiteRow.id)
    )
    return list(rows)


async def site_of(session: AsyncSession, organization_id: int, site_id: str) -> SiteRow | None:
    """One site of this organization by its Site ID; another organization's is not found."""
    found: SiteRow | None = await session.scalar(
        select(SiteRow).where(
            SiteRow.organization_id == organization_id,
            func.upper(SiteRow.facility_id) == site_id.strip().upper(),
        )
    )
    return found


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


def site_listing(site: SiteRow, *, dx_stage: str | None) -> dict[str, Any]:
    """One site as the account shows it: its Site ID, name and place, addresses, VFC PIN, its
    own contacts, open or closed, and its data-exchange stage when registered at the IZ
    Portal."""
    return {
        "site_id": site.facility_id,
        "name": site.name,
        "county": site.county,
        "region": site.region,
        "physical_address": site.physical_address,
        "mailing_address": site.mailing_address,
        "vaccine_delivery_address": site.vaccine_delivery_address,
        "vfc_pin": site.vfc_pin,
        "contacts": site.contacts,
        "open": site.closed_at is None,
        "closed_at": as_utc(site.closed_at).isoformat() if site.closed_at else None,
        "dx_stage": dx_stage,
    }
