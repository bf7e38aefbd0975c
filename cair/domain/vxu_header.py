"""MSH: the CDC guide's required header fields, CAIR's values (type, processing id, version,
region), the ids each site role must send, and the message time. A VXU's header and a QBP
query's are held to the same rules; ``kind`` names the catalogue (``VXU-…`` or ``QBP-…``)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from cair.domain import hl7_dates, hl7_fields
from cair.domain.hl7_fields import Segment
from cair.domain.vxu_catalogue import at
from cair.domain.vxu_context import VXU_PROFILE, MessageRules, Sender, SiteRole
from cair.domain.vxu_findings import Finding

_CONTROL_ID = re.compile(r"[A-Za-z0-9._-]{1,50}")
# A sender's clock a little ahead, or a time sent without its zone, is not "the future".
MESSAGE_TIME_SLACK = timedelta(days=1)


def control_id(msh: Segment) -> str:
    """MSH-10 if it can be echoed safely in MSA-2, else empty."""
    sent = hl7_fields.field(msh, 10)
    return sent if _CONTROL_ID.fullmatch(sent) else ""


def check(
    msh: Segment,
    sender: Sender,
    rules: MessageRules,
    now: datetime,
    *,
    kind: str = "VXU",
    profile: str = VXU_PROFILE,
) -> list[Finding]:
    """Every header rule at once (``profile``: the MSH-21 the message should carry)."""
    found = [*_control(msh, kind), *_time(msh, now, kind), *_values(msh, rules, kind)]
    return [*found, *_profile(msh, profile, kind), *_ids(msh, sender, kind)]


def _control(msh: Segment, kind: str) -> list[Finding]:
    """MSA-2 echoes MSH-10 as sent, so the sender can match the answer: an id that cannot be
    echoed safely is refused rather than altered."""
    sent = hl7_fields.field(msh, 10)
    if not sent:
        return [at(f"{kind}-MSH10-MISSING", "MSH-10")]
    return [] if control_id(msh) else [at(f"{kind}-MSH10-INVALID", "MSH-10")]


def _time(msh: Segment, now: datetime, kind: str) -> list[Finding]:
    sent = hl7_fields.field(msh, 7, component=1)
    if not sent:
        return [at(f"{kind}-MSH7-MISSING", "MSH-7")]
    moment = hl7_dates.moment(sent)
    if moment is None:
        return [at(f"{kind}-MSH7-INVALID", "MSH-7")]
    if moment > now + MESSAGE_TIME_SLACK:
        return [at(f"{kind}-MSH7-FUTURE", "MSH-7")]
    return []


def _values(msh: Segment, rules: MessageRules, kind: str) -> list[Finding]:
    found: list[Finding] = []
    sent_type = "^".join(hl7_fields.field(msh, 9, component=c) for c in (1, 2, 3)).rstrip("^")
    for number, sent, wanted, wrong in (
        (9, sent_type, rules.message_type, f"{kind}-MSH9-TYPE"),
        (
            11,
            hl7_fields.field(msh, 11, component=1),
            rules.processing_id,
            f"{kind}-MSH11-PROCESSING",
        ),
        (12, hl7_fields.field(msh, 12, component=1), rules.version, f"{kind}-MSH12-VERSION"),
    ):
        if not sent:
            found.append(at(f"{kind}-MSH{number}-MISSING", f"MSH-{number}", expected=wanted))
        elif sent != wanted:
            found.append(at(wrong, f"MSH-{number}", expected=wanted))
    return found


def _profile(msh: Segment, profile: str, kind: str) -> list[Finding]:
    """MSH-21: the CDC guide's profile (a warning: CAIR reads the message either way)."""
    separators = hl7_fields.separators(msh)
    sent = [
        "^".join(hl7_fields.part(r, c, separators) for c in (1, 2, 3)).rstrip("^")
        for r in hl7_fields.repetitions(msh, 21)
    ]
    if not any(sent):
        return [at(f"{kind}-MSH21-MISSING", "MSH-21", expected=profile)]
    if not any(s.startswith(profile) for s in sent):
        return [at(f"{kind}-MSH21-PROFILE", "MSH-21", expected=profile)]
    return []


def _ids(msh: Segment, sender: Sender, kind: str) -> list[Finding]:
    """MSH-6 the site's region, MSH-4 the sender, MSH-22 the site responsible (by role)."""
    found: list[Finding] = []
    if hl7_fields.field(msh, 6, component=1) != sender.region_code:
        found.append(at(f"{kind}-MSH6-REGION", "MSH-6", expected=sender.region_code))
    facility = hl7_fields.field(msh, 4, component=1)
    expected = sender.site_id if sender.role == SiteRole.DIRECT else sender.sending_facility_id
    if not facility:
        found.append(at(f"{kind}-MSH4-MISSING", "MSH-4", expected=expected or ""))
    elif facility != expected:
        found.append(at(f"{kind}-MSH4-FACILITY", "MSH-4", expected=expected or ""))
    if sender.role == SiteRole.THROUGH_SENDING_FACILITY and not sender.facility_consented:
        # Another organization's facility: only once its representatives accept the site.
        found.append(at(f"{kind}-MSH4-CONSENT", "MSH-4", expected=expected or ""))
    responsible = responsible_site(msh)
    if sender.role == SiteRole.SENDING_FACILITY:
        if responsible not in sender.client_sites:
            found.append(at(f"{kind}-MSH22-CLIENT", "MSH-22"))
    elif responsible != sender.site_id:
        found.append(at(f"{kind}-MSH22-SITE", "MSH-22", expected=sender.site_id))
    return found


def responsible_site(msh: Segment) -> str:
    """MSH-22's organization id: XON-10 where the EHR fills it, else XON-1."""
    return hl7_fields.field(msh, 22, component=10) or hl7_fields.field(msh, 22, component=1)
