"""E-mails of a site's data-exchange onboarding: its credentials for staging and production, the
reminders when it stalls, staff's review, a send-back, going live. To the representative who
registered it, with the site's data exchange contact in copy; the review to the staff queue."""

from __future__ import annotations

from cair.activities.failures import MissingRecord
from cair.activities.mail.sources import Envelope, IssuedLink, Sources, base_context, page_url
from cair.domain import ids
from cair.domain.contracts.data_exchange import DX_STAGE_WORDS, DxStage
from cair.domain.contracts.mail import Mail, MailOrder
from cair.domain.vxu_rules import portal_facts
from cair.store import dx_sites, organizations, representatives

TO_STAFF = {Mail.DX_READY_FOR_REVIEW}

# A site's role at registration (domain/dx_registration.py), in words.
SITE_ROLE_WORDS = {
    1: "sends from its own EHR",
    2: "sends through a Sending Facility",
    3: "a Sending Facility for several sites",
}


async def dx_site_mail(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    site = await dx_sites.by_site_id(src.session, order.site_id or "")
    if site is None:
        raise MissingRecord(f"no data-exchange site {order.site_id}")
    org = await organizations.get(src.session, site.organization_id)
    if org is None:
        raise MissingRecord(f"data-exchange site {order.site_id} has no organization")
    environment = order.environment or "staging"
    base = src.settings.public_base_url.rstrip("/")
    plan = portal_facts()["test_plan"]
    context = {
        **base_context(),
        "org_name": org.name,
        "provider_id": org.provider_id,
        "site_id": site.site_id,
        "site_name": site.site_name,
        "role": site.role,
        "role_words": SITE_ROLE_WORDS.get(site.role, ""),
        "environment": environment,
        "endpoint": f"{base}/iis/{environment}",
        "wsdl_url": f"{base}/iis/{environment}?wsdl",
        "stage_words": DX_STAGE_WORDS.get(DxStage(site.stage), site.stage),
        "plan": plan,
        "note": order.note or "",
        "reminder_number": order.reminder,
        "sites_url": page_url(src, f"/account/{org.provider_id}/dx-sites"),
        "staff_url": page_url(src, "/staff/dx-sites"),
    }
    if link is not None:
        context["reveal_url"] = link.url
        context["token"] = link.token
        context["expires_at"] = link.expires_at
        context["username"] = ids.dx_site_username_for(site.site_id or "", environment)
    if order.mail in TO_STAFF:
        return Envelope(to=[src.settings.staff_queue_email], cc=[], context=context)
    holder = await representatives.credentials_holder(
        src.session, site.organization_id, site.registered_by
    )
    if holder is None:
        raise MissingRecord(f"site {site.site_id}'s organization has no active representative")
    if link is not None:
        # A single-use link to a password goes to the representative alone: the contact's
        # address was typed in a form, never confirmed.
        return Envelope(to=[holder], cc=[], context=context)
    contact = str(site.registration.get("exchange_contact", {}).get("email", ""))
    cc = [contact] if contact and contact.lower() != holder.lower() else []
    return Envelope(to=[holder], cc=cc, context=context)
