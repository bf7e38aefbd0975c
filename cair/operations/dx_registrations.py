"""What registering a site rests on: the organization may register sites (Data Exchange), one
site is not registered twice under two registrations, and a registration's key. Shared by the
registration itself (``data_exchange``) and the check before it is sent (``dx_site_checks``)."""

from __future__ import annotations

import hashlib

from cair.domain.access import AccessLevel
from cair.domain.dx_registration import SiteRegistration, validate_registration
from cair.operations.context import Context
from cair.operations.errors import NotFound, Refused
from cair.operations.regions import region_map
from cair.store import dx_sites, organizations
from cair.store.database import Session
from cair.store.models import DxSiteRow, OrganizationRow


async def data_exchange_organization(session: Session, provider_id: str) -> OrganizationRow:
    """The organization, if it may register sites: Refused for one that is not Data Exchange."""
    org = await organizations.by_provider_id(session, provider_id)
    if org is None:
        raise NotFound(f"no organization {provider_id}")
    if org.access_level != AccessLevel.DATA_EXCHANGE:
        raise Refused(
            f"{provider_id} is not a Data Exchange organization: its access level is "
            f"{org.access_level.replace('_', ' ')}; enroll for data exchange first"
        )
    return org


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
