"""E-mails to an authorized representative: the sign-in link, a change's outcome."""

from __future__ import annotations

import re

from cair.activities.failures import MissingRecord
from cair.activities.mail.sources import Envelope, IssuedLink, Sources, base_context
from cair.domain.access import Role
from cair.domain.contracts.mail import MailOrder
from cair.domain.plain_words import words
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


async def confirm_contact(src: Sources, order: MailOrder, link: IssuedLink | None) -> Envelope:
    """To a new primary contact's address, alone: the link proves it is theirs before it may
    become an authorized representative (and before staff approve)."""
    change = await changes.find(src.session, order.provider_id or "", order.change_id or "")
    org = await organizations.by_provider_id(src.session, order.provider_id or "")
    if change is None or org is None or link is None:
        raise MissingRecord(f"no change {order.change_id} in {order.provider_id}")
    primary = change.details.get("info", {}).get("contacts", {}).get("primary", {})
    address = str(primary.get("email", ""))
    if not address:
        raise MissingRecord(f"change {order.change_id} names no new primary contact")
    context = {
        **base_context(),
        "contact_name": f"{primary.get('first_name', '')} {primary.get('last_name', '')}".strip(),
        "org_name": org.name,
        "provider_id": org.provider_id,
        "requested_by": change.requested_by,
        "confirm_url": link.url,
        "token": link.token,
        "expires_at": link.expires_at,
    }
    return Envelope(to=[address], cc=[], context=context)


async def account_change(src: Sources, order: MailOrder, _link: IssuedLink | None) -> Envelope:
    """To the representative who asked, with the user concerned in copy."""
    change = await changes.find(src.session, order.provider_id or "", order.change_id or "")
    org = await organizations.by_provider_id(src.session, order.provider_id or "")
    if change is None or org is None:
        raise MissingRecord(f"no change {order.change_id} in {order.provider_id}")
    told = {change.requested_by.lower()}
    cc: list[str] = []
    user = None
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
        "kind": change.kind,
        "status": change.status,
        "outcome": plain_outcome(change.outcome or ""),
        "decided_by": change.decided_by,
        "requested_by": change.requested_by,
        "user_id": change.target_user_id,
        "user_name": f"{user.first_name} {user.last_name}" if user is not None else "",
        # Before staff decide a raise, the user's role is still the one they have.
        "current_role": user.role if user is not None else None,
        "new_role": change.details.get("role"),
        "new_user": change.details.get("new_user"),
    }
    return Envelope(to=[change.requested_by], cc=cc, context=context)


# The codes a change's outcome (domain/change_rules.py) names, and the words a reader knows.
_CODE_WORDS = {
    Role.READ_ONLY.value: words("role", Role.READ_ONLY),
    Role.DX_QA.value: words("role", Role.DX_QA),
    "vfc pin": "VFC PIN",
    "email": "e-mail address",
}
_CODE = re.compile(
    r"(?<![\w.@-])(" + "|".join(re.escape(code) for code in _CODE_WORDS) + r")(?![\w@-])"
)
# "regular" and "power" are words too: only where the outcome names a role.
_ROLE = re.compile(r"(\(|\bfrom |\bto |\bnow |\bbecomes )(regular|power)\b")


def plain_outcome(outcome: str) -> str:
    """A change's outcome as the representative reads it: "added user U1000003 (Read-Only)",
    not "(read_only)". The rules word their outcomes for the log, with the codes in them."""
    outcome = _CODE.sub(lambda found: _CODE_WORDS[found.group(1)], outcome)
    return _ROLE.sub(lambda found: found.group(1) + words("role", found.group(2)), outcome)
