"""The rules CAIR holds a VXU^V04 to, and the verdict its ACK carries: MSA-1 ``AA`` accepted,
``AE`` accepted with errors, ``AR`` rejected, one finding per broken rule naming the field.

Pure: the data-exchange endpoint hands the message text and the time it received it in, and
gets a verdict of identifiers and outcomes back. Nothing here keeps, logs or returns the
message's personal data: the only values carried out are the message control id (MSH-10,
cleaned) and, for a staging test, which of the test plan's own synthetic patients the message
was about. The rules themselves live by part: ``vxu_structure`` (segments), ``vxu_header``
(MSH), ``vxu_patient`` (PID), ``vxu_doses`` (ORC, RXA, RXR, OBX); their codes and words in
``vxu_catalogue``.
"""

from __future__ import annotations

from datetime import datetime

from cair.domain import hl7_fields, vxu_doses, vxu_header, vxu_patient, vxu_structure
from cair.domain.test_plan import staging_test_plan
from cair.domain.vxu_catalogue import at
from cair.domain.vxu_context import (
    MessageRules,
    Sender,
    SiteRole,
    default_rules,
    portal_facts,
    region_code,
)
from cair.domain.vxu_doses import Dose, is_npi
from cair.domain.vxu_findings import AckCode, Finding, Severity, Verdict, ack_code

__all__ = [
    "MAX_FINDINGS",
    "MAX_MESSAGE_CHARS",
    "AckCode",
    "Finding",
    "MessageRules",
    "Sender",
    "Severity",
    "SiteRole",
    "Verdict",
    "check",
    "default_rules",
    "is_npi",
    "portal_facts",
    "region_code",
    "staging_test_plan",
]

MAX_MESSAGE_CHARS = 200_000
MAX_FINDINGS = 50  # an ACK stays small whatever is sent: the rest is counted in one line


def check(
    text: str, sender: Sender, rules: MessageRules | None = None, *, now: datetime
) -> Verdict:
    """Every rule at once, so the EHR side fixes its interface in one pass. ``now`` is when
    CAIR received the message (timezone-aware): dates are held to it."""
    rules = rules or default_rules()
    message = hl7_fields.parse(text, max_chars=MAX_MESSAGE_CHARS)
    if message is None:
        return Verdict(AckCode.REJECTED, "", (at("VXU-MSG-NOT-HL7", "MSH"),))
    layout = vxu_structure.read(message)
    msh = layout.first["MSH"].segment
    pid = layout.first["PID"].segment if "PID" in layout.first else None
    patient, birth = vxu_patient.check(pid, now)
    for_client = sender.role == SiteRole.SENDING_FACILITY
    dose = Dose(
        sender=sender,
        site=vxu_header.responsible_site(msh) if for_client else sender.site_id,
        rules=rules,
        birth=birth,
        now=now,
    )
    findings = [
        *vxu_header.check(msh, sender, rules, now),
        *layout.findings,
        *patient,
        *vxu_doses.check(layout, dose),
    ]
    patient_id = hl7_fields.field(pid, 3, component=1) if pid is not None else ""
    return Verdict(
        ack_code(findings),
        vxu_header.control_id(msh),
        tuple(capped(findings)),
        patient_id if patient_id in rules.test_patients else None,
    )


def capped(findings: list[Finding]) -> list[Finding]:
    """At most ``MAX_FINDINGS``: the last says how many more there were, and keeps the worst
    of them, so the ACK's MSA-1 still follows from its ERR segments."""
    if len(findings) <= MAX_FINDINGS:
        return findings
    kept, rest = findings[: MAX_FINDINGS - 1], findings[MAX_FINDINGS - 1 :]
    more = at("VXU-MSG-MORE", "MSH", more=str(len(rest)))
    worst = ack_code(rest)
    if worst != AckCode.ACCEPTED:
        more = Finding(
            more.location,
            more.code,
            Severity.ERROR,
            more.text,
            more.check,
            more.application,
            rejects=worst == AckCode.REJECTED,
        )
    return [*kept, more]
