"""E-mails to an authorized representative: the sign-in link, a change's outcome."""

from __future__ import annotations

from cair.activities.failures import MissingRecord
from cair.activities.mail.sources import Envelope, IssuedLink, Sources, base_context
from cair.domain.contracts.mail import MailOrder
from cair.store import changes, organizations, representatives, users


async def sign_in_link(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    representative = await representatives.get(src.session, order.representative_id or 0)
    if representative is None or link is None:
        raise MissingRecord(f"no representative {order.representative_id}")
    org = await organizations.get(src.session, representative.organization_id)
    if org is None:
        raise MissingRecord(f"representative {order.representative_id} has no organization")
    context = {
        **base_context(),
        "rep_name": representative.name,
        "org_name": org.name,
        "provider_id": org.provider_id,
        "sign_in_url": link.url,
        "token": link.token,
        "minutes": order.ttl_minutes,
    }
    return Envelope(to=[representative.email], cc=[], context=context)


async def account_change(src: Sources, order: MailOrder, _link: IssuedLink | None) -> Envelope:
    """To the representative who asked, with the user concerned in copy."""
    change = await changes.find(src.session, order.provider_id or "", order.change_id or "")
    org = await organizations.by_provider_id(src.session, order.provider_id or "")
    if change is None or org is None:
        raise MissingRecord(f"no change {order.change_id} in {order.provider_id}")
    told = {change.requested_by.lower()}
    cc: list[str] = []
    if change.target_user_id:
        user = await users.in_organization(src.session, org.id, change.target_user_id)
        if user is not None:
            cc.append(user.email)
    # Addresses that gained or lost sign-in rights, or an old address a correction replaced.
    cc += [str(e) for e in change.details.get("also_tell", [])]
    cc = [e for e in dict.fromkeys(a.lower() for a in cc) if e not in told]
    context = {
        **base_context(),
        "org_name": org.name,
        "provider_id": org.provider_id,
        "change_id": change.change_id,
        "kind_label": change.kind.replace("_", " "),
        "status": change.status.replace("_", " "),
        "outcome": change.outcome or "",
        "decided_by": change.decided_by,
        "requested_by": change.requested_by,
        "user_id": change.target_user_id,
        "new_role": change.details.get("role"),
        "summary": change.outcome or "",
    }
    return Envelope(to=[change.requested_by], cc=cc, context=context)
