"""The rows of a site as provisioning makes them: a new site joining its organization, and a
site's registration for data exchange from its enrollment's IZ Portal answers."""

from __future__ import annotations

from pydantic import BaseModel

from cair.activities.failures import MissingRecord
from cair.domain import ids
from cair.domain.contracts.data_exchange import DxStage
from cair.domain.identifier_checks import normalize_email
from cair.domain.request import EnrollmentRequest
from cair.store import audit, organizations, representatives
from cair.store.database import Session
from cair.store.models import DxSiteRow, EnrollmentRequestRow, OrganizationRow, SiteRow


async def add_site(
    session: Session, enrollment: EnrollmentRequestRow, request: EnrollmentRequest
) -> str:
    """A new site's enrollment, approved: the site joins its organization with the next Site
    ID, under its own county and region; returns the organization's Provider ID."""
    assert request.new_site is not None
    provider_id = request.new_site.provider_id
    org = await organizations.by_provider_id(session, provider_id)
    if org is None:
        raise MissingRecord(f"no organization {provider_id}")
    if await organizations.site_of_enrollment(session, enrollment.id) is None:
        organization = request.organization
        sites = await organizations.sites_of(session, org.id)
        site = await organizations.add_site(
            session,
            SiteRow(
                organization_id=org.id,
                facility_id=ids.facility_id_for(provider_id, len(sites) + 1),
                physical_address=organization.physical_address.model_dump(mode="json"),
                mailing_address=_dump(organization.mailing_address),
                vaccine_delivery_address=_dump(organization.vaccine_delivery_address),
                vfc_pin=organization.vfc_pin,
                name=request.new_site.site_name,
                county=enrollment.county,
                region=enrollment.region,
                contacts=site_contacts(request),
                enrollment_id=enrollment.id,
            ),
        )
        await audit.append(
            session,
            key=f"{enrollment.id}/site",
            actor="system",
            action="site.enrolled",
            subject_type="site",
            subject_id=site.facility_id,
            provider_id=provider_id,
            new={"name": site.name or "", "region": enrollment.region},
        )
    enrollment.provider_id = provider_id
    return provider_id


async def register_for_exchange(
    session: Session,
    org: OrganizationRow,
    site: SiteRow,
    request: EnrollmentRequest,
    enrollment_id: str,
) -> DxSiteRow:
    """The site's data-exchange registration from the enrollment's IZ Portal answers (or, for
    a request sent before the IZ Portal asked them, as a role 1 site)."""
    answers = request.data_exchange
    primary = await representatives.by_email(
        session, org.id, normalize_email(request.contacts.primary.email)
    )
    registration: dict[str, object] = {
        "site_name": site.name or org.name,
        "county": site.county or org.county,
        "physical_address": site.physical_address,
        **(answers.model_dump(mode="json") if answers else {"migrated_from": "enrollment"}),
    }
    role = answers.role if answers else 1
    row = DxSiteRow(
        organization_id=org.id,
        site_row_id=site.id,
        site_id=site.facility_id,
        registration_key=f"enrollment/{enrollment_id}",
        role=role,
        sending_facility_id=site.facility_id
        if role == 3
        else (answers.sending_facility_id if answers else None),
        site_name=site.name or org.name,
        county=site.county or org.county,
        region=site.region or org.region,
        registration=registration,
        stage=DxStage.STAGING_CREDENTIALS_ISSUED.value,
        registered_by=primary.email if primary else normalize_email(request.contacts.primary.email),
        representative_id=primary.id if primary else 0,
    )
    session.add(row)
    await session.flush()
    for action in ("registered", DxStage.STAGING_CREDENTIALS_ISSUED.value):
        await audit.append(
            session,
            key=f"{enrollment_id}/dx-site/{action}",
            actor="enrollment",
            action=f"dx_site.{action}",
            subject_type="dx_site",
            subject_id=site.facility_id,
            provider_id=org.provider_id,
            new={"stage": action},
        )
    return row


def site_contacts(request: EnrollmentRequest) -> dict[str, object] | None:
    """The first site's own contacts: the IZ Portal's site and data-exchange contacts."""
    answers = request.data_exchange
    if answers is None:
        return None
    return {
        "site_contact": answers.site_contact.model_dump(mode="json"),
        "exchange_contact": answers.exchange_contact.model_dump(mode="json"),
    }


def _dump(model: BaseModel | None) -> dict[str, object] | None:
    return model.model_dump(mode="json") if model is not None else None
