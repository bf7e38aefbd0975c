"""E-mails to the applicant (the primary contact of an enrollment or organization)."""

from __future__ import annotations

from typing import Any

from cair.activities.failures import MissingRecord
from cair.activities.mail.sources import (
    Envelope,
    IssuedLink,
    Sources,
    base_context,
    enrollment_of,
    full_name,
    organization_of,
    page_url,
)
from cair.domain.access import AccessLevel, Role, needs_training
from cair.domain.contracts.mail import Mail, MailOrder
from cair.domain.vxu_rules import portal_facts
from cair.store import credentials, organizations, users
from cair.store.models import OrganizationRow

# The e-mails whose link is the applicant's status page (the others carry links of their own).
_WITH_STATUS = frozenset({Mail.ACKNOWLEDGEMENT, Mail.AMENDMENT_RECEIVED})


async def applicant(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    """Acknowledgement, amendment received: who applied, for what, where it went (and, with a
    status link, the page that follows it)."""
    row, request = await enrollment_of(src, order)
    primary = request.contacts.primary
    region = src.regions.regions.get(row.region)
    context = {
        **base_context(),
        "contact_name": f"{primary.first_name} {primary.last_name}",
        "org_name": request.organization.name,
        "enrollment_id": row.id,
        # A region the map no longer names still reads as words, never as its key.
        "region_name": region.name if region else row.region.replace("_", " ").title(),
        "county": row.county,
        "status_url": link.url if link is not None and order.mail in _WITH_STATUS else None,
    }
    return Envelope(to=[primary.email], cc=[], context=context)


async def rejected(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    envelope = await applicant(src, order, link)
    envelope.context["reason"] = order.note or ""
    return envelope


async def changes_requested(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    envelope = await applicant(src, order, link)
    if link is None:
        raise MissingRecord(f"no amendment link for enrollment {order.enrollment_id}")
    envelope.context.update(
        message=order.note or "",
        expires_at=order.deadline,
        amend_url=link.url,
        amend_token=link.token,
    )
    return envelope


async def confirm_address(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    """Before staff see a request: its primary contact confirms the address is theirs."""
    envelope = await applicant(src, order, link)
    if link is None:
        raise MissingRecord(f"no confirmation link for enrollment {order.enrollment_id}")
    envelope.context.update(confirm_url=link.url, token=link.token, expires_at=link.expires_at)
    return envelope


async def expired(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    envelope = await applicant(src, order, link)
    days = (order.deadline - order.since).days if order.deadline and order.since else 30
    envelope.context["days"] = days
    return envelope


async def local_rep_applicant(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    envelope = await applicant(src, order, link)
    rep = src.regions.region_for(envelope.context["county"]).representative
    if rep is None:
        raise MissingRecord(f"no Local CAIR Representative for enrollment {order.enrollment_id}")
    envelope.context.update(
        rep_name=rep.name,
        rep_organization=rep.organization,
        rep_email=rep.email,
        rep_phone=rep.phone,
    )
    return envelope


async def welcome(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    """The Provider ID, the users, the credentials' link, the next steps; and to the primary
    contact, that they are now the authorized representative and where they manage the account."""
    row, request = await enrollment_of(src, order)
    org = await organizations.by_enrollment(src.session, row.id)
    if org is None:
        raise MissingRecord(f"enrollment {row.id} has no organization")
    members = await users.of_organization(src.session, org.id)
    roles = {Role(u.role) for u in members}
    primary = request.contacts.primary
    context = {
        **base_context(),
        "contact_name": f"{primary.first_name} {primary.last_name}",
        "org_name": org.name,
        "provider_id": org.provider_id,
        "access_level": org.access_level,
        "data_exchange": org.access_level == AccessLevel.DATA_EXCHANGE,
        "rep_email": primary.email,
        "sign_in_url": page_url(src, "/account/sign-in"),
        "users": [
            {
                "user_id": u.user_id,
                "name": f"{u.first_name} {u.last_name}",
                "role": u.role,
                "needs_training": needs_training(Role(u.role)),
            }
            for u in members
        ],
        "any_training": any(needs_training(r) for r in roles),
        "any_read_only": Role.READ_ONLY in roles,
        "any_dx_qa": Role.DX_QA in roles,
        "credentials": await _credentials(src, org, link, row.id) if link else None,
        "new_site": await _new_site(src, row.id) if request.new_site else None,
    }
    return Envelope(to=[primary.email], cc=[], context=context)


async def credentials_reissued(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    org = await organization_of(src, order)
    primary = org.contacts["primary"]
    technical = org.contacts.get("technical")
    context = {
        **base_context(),
        "contact_name": full_name(primary),
        "org_name": org.name,
        "provider_id": org.provider_id,
        "credentials": await _credentials(src, org, link, org.enrollment_id),
    }
    cc = [technical["email"]] if technical and technical["email"] != primary["email"] else []
    return Envelope(to=[primary["email"]], cc=cc, context=context)


async def _new_site(src: Sources, enrollment_id: str) -> dict[str, Any]:
    """The site a new-site enrollment added to the organization."""
    site = await organizations.site_of_enrollment(src.session, enrollment_id)
    if site is None:
        raise MissingRecord(f"enrollment {enrollment_id} enrolled no site yet")
    return {"site_id": site.facility_id, "name": site.name or "", "county": site.county or ""}


async def _credentials(
    src: Sources, org: OrganizationRow, link: IssuedLink | None, enrollment_id: str
) -> dict[str, Any]:
    """The enrolled site's staging credentials, where they work and what comes next."""
    credential = await credentials.first_site_staging(src.session, org.id, enrollment_id)
    if credential is None or link is None:
        raise MissingRecord(f"no staging credentials for the first site of {org.provider_id}")
    base = src.settings.public_base_url.rstrip("/")
    return {
        "username": credential.username,
        "facility_id": credential.facility_id,
        "reveal_url": link.url,
        "token": link.token,
        "expires_at": link.expires_at,
        "endpoint": f"{base}/iis/staging",
        "wsdl_url": f"{base}/iis/staging?wsdl",
        "plan": portal_facts()["test_plan"],
        "site_url": page_url(src, f"/account/{org.provider_id}/dx-sites/{credential.facility_id}"),
        "register_url": page_url(src, f"/account/{org.provider_id}/dx-sites/new"),
    }
