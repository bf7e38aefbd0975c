"""What registering a site rests on: the organization may register sites (Data Exchange), one
site is not registered twice under two registrations, and a registration's key. Shared by the
registration itself (``data_exchange``) and the check before it is sent (``dx_site_checks``)."""

from __future__ import annotations

import hashlib

from cair.domain import ids
from cair.domain.access import AccessLevel
from cair.domain.counties import canonical_county
from cair.domain.dx_registration import SiteRegistration, validate_registration
from cair.operations.context import Context
from cair.operations.errors import NotFound, Refused
from cair.operations.regions import region_map
from cair.store import dx_sites, organizations
from cair.store.database import Session
from cair.store.models import DxSiteRow, OrganizationRow, SiteRow

# Who may register a site for data exchange: an organization that administers vaccines. A
# Clinical one (doses entered by hand) becomes Data Exchange when staff approve its first site
# for production.
MAY_REGISTER = (AccessLevel.DATA_EXCHANGE, AccessLevel.CLINICAL)


async def data_exchange_organization(session: Session, provider_id: str) -> OrganizationRow:
    """The organization, if it may register sites: Refused for one that administers no
    vaccines, or is closed."""
    org = await organizations.by_provider_id(session, provider_id)
    if org is None:
        raise NotFound(f"no organization {provider_id}")
    if org.closed_at is not None:
        raise Refused(f"{provider_id} is closed")
    if org.access_level not in MAY_REGISTER:
        raise Refused(
            f"{provider_id} cannot register a site for data exchange: its access level is "
            f"{org.access_level.replace('_', ' ')}, and only an organization that administers "
            "vaccines submits them"
        )
    return org


async def site_for(
    session: Session, org: OrganizationRow, registration: SiteRegistration
) -> SiteRow:
    """The organization's site this registration is about: an open site at the same street
    address not yet registered (a clinic that entered doses by hand registers its own site),
    or a new site with the next Site ID."""
    sites = await organizations.sites_of(session, org.id)
    registered = {row.site_row_id for row in await dx_sites.of_organization(session, org.id)}
    address = registration.physical_address
    for site in sites:
        line1 = " ".join(str(site.physical_address.get("line1", "")).lower().split())
        if (
            site.closed_at is None
            and site.id not in registered
            and line1 == " ".join(address.line1.lower().split())
            and str(site.physical_address.get("zip", "")) == address.zip
        ):
            return site
    assert org.provider_id is not None
    county = canonical_county(registration.county) or registration.county
    contacts = {
        "site_contact": registration.site_contact.model_dump(mode="json"),
        "exchange_contact": registration.exchange_contact.model_dump(mode="json"),
    }
    return await organizations.add_site(
        session,
        SiteRow(
            organization_id=org.id,
            facility_id=ids.facility_id_for(org.provider_id, len(sites) + 1),
            physical_address=address.model_dump(mode="json"),
            name=registration.site_name,
            county=county,
            contacts=contacts,
        ),
    )


def same_site(row: DxSiteRow, registration: SiteRegistration) -> bool:
    """One site under two registrations: the same name at the same street address."""

    def words(text: str) -> str:
        return " ".join(text.lower().split())

    address = row.registration.get("physical_address", {})
    return (
        words(row.site_name) == words(registration.site_name)
        and words(str(address.get("line1", ""))) == words(registration.physical_address.line1)
        and str(address.get("zip", "")) == registration.physical_address.zip
    )


def key_of_registration(provider_id: str, what: str) -> str:
    return "DX" + hashlib.sha256(f"{provider_id}/{what}".encode()).hexdigest()[:40]


async def checked(
    ctx: Context, session: Session, org: OrganizationRow, data: object
) -> tuple[list[DxSiteRow], SiteRegistration]:
    """The organization's sites and the registration checked against them (InvalidRequest with
    every problem): the same check before a registration is sent and when it is."""
    own = await dx_sites.of_organization(session, org.id)
    registration = validate_registration(
        data,
        region_map(ctx),
        sites_registered=len(own),
        own_sites={s.site_id for s in own if s.site_id},
        sending_facilities=await dx_sites.sending_facility_ids(session),
    )
    return own, registration
