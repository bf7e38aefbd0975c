"""E-mails to registry staff and to a Local CAIR Representative."""

from __future__ import annotations

from cair.activities.failures import MissingRecord
from cair.activities.mail.sources import (
    Envelope,
    IssuedLink,
    Sources,
    base_context,
    enrollment_of,
    page_url,
)
from cair.activities.mail.to_applicant import applicant
from cair.activities.mail.to_representative import account_change
from cair.domain.contracts.mail import MailOrder
from cair.domain.request import Address
from cair.store import incidents, staff


async def staff_reminder(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    envelope = await applicant(src, order, link)
    envelope.context.update(
        reminder_number=order.reminder,
        business_days=order.business_days,
        waiting_since=order.since,
        expires_at=order.deadline,
        review_url=page_url(src, f"/staff/enrollments/{order.enrollment_id}"),
    )
    return Envelope(to=[src.settings.staff_queue_email], cc=[], context=envelope.context)


async def staff_change_approval(
    src: Sources, order: MailOrder, link: IssuedLink | None
) -> Envelope:
    """A raise waits for a reviewer: the staff console's page of changes, and the commands."""
    envelope = await account_change(src, order, link)
    envelope.context["changes_url"] = page_url(src, "/staff/changes")
    return Envelope(to=[src.settings.staff_queue_email], cc=[], context=envelope.context)


async def staff_incident(src: Sources, order: MailOrder, _link: IssuedLink | None) -> Envelope:
    """A step failed for good: which, where, and how staff take it up (identifiers only)."""
    incident = await incidents.by_key(src.session, order.incident_key or "")
    if incident is None:
        raise MissingRecord(f"no incident {order.incident_key}")
    context = {
        **base_context(),
        "workflow_id": incident.workflow_id,
        "step": incident.step,
        "reason": incident.reason,
        "enrollment_id": incident.enrollment_id,
        "provider_id": incident.provider_id,
        "user_id": incident.user_id,
        "change_id": incident.change_id,
        "incidents_url": page_url(src, "/staff/incidents"),
    }
    return Envelope(to=[src.settings.staff_queue_email], cc=[], context=context)


async def local_rep_notice(src: Sources, order: MailOrder, _link: IssuedLink | None) -> Envelope:
    """To the Local CAIR Representative of the county: who asked to enroll."""
    row, request = await enrollment_of(src, order)
    rep = src.regions.region_for(row.county).representative
    if rep is None:
        raise MissingRecord(f"no Local CAIR Representative for enrollment {row.id}")
    primary = request.contacts.primary
    context = {
        **base_context(),
        "rep_name": rep.name,
        "enrollment_id": row.id,
        "org_name": request.organization.name,
        "org_type": row.org_type,
        "county": row.county,
        "address": _one_line(request.organization.physical_address),
        "contact_name": f"{primary.first_name} {primary.last_name}",
        "contact_email": primary.email,
        "contact_phone": primary.phone or "",
        "user_count": len(request.users),
    }
    return Envelope(to=[rep.email], cc=[], context=context)


def _one_line(address: Address) -> str:
    parts = [address.line1, address.line2, address.city, f"{address.state} {address.zip}"]
    return ", ".join(p for p in parts if p)


async def staff_sign_in_link(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    member = await staff.get(src.session, order.staff_id or 0)
    if member is None or link is None:
        raise MissingRecord(f"no staff member {order.staff_id}")
    context = {
        **base_context(),
        "staff_name": member.name,
        "sign_in_url": link.url,
        "token": link.token,
        "minutes": order.ttl_minutes,
    }
    return Envelope(to=[member.email], cc=[], context=context)
