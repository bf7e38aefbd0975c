"""The rules CAIR holds a VXU^V04 to, and the verdict its ACK carries: MSA-1 ``AA`` accepted,
``AE`` accepted with errors, ``AR`` rejected, one finding per broken rule naming the field.

Pure: the data-exchange endpoint hands the message text in and gets a verdict of identifiers and
outcomes back. Nothing here keeps, logs or returns the message's personal data: the only values
carried out are the message control id (MSH-10, cleaned) and, for a staging test, which of the
test plan's own synthetic patients the message was about.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from functools import cache
from importlib import resources
from typing import Any

from hl7.containers import Message

from cair.domain import hl7_fields
from cair.domain.contracts.data_exchange import TestPlan

MAX_MESSAGE_CHARS = 200_000
MAX_FINDINGS = 50  # an ACK stays small whatever is sent: the rest is counted in one line


class SiteRole(IntEnum):
    """How a site's messages reach CAIR (the IZ Portal's registration question)."""

    DIRECT = 1  # sends from its own EHR
    THROUGH_SENDING_FACILITY = 2  # a Sending Facility sends for it
    SENDING_FACILITY = 3  # sends for several client sites


@dataclass(frozen=True)
class Sender:
    """Who the credentials of the message belong to, and what its MSH must therefore say."""

    role: SiteRole
    site_id: str
    region_code: str  # MSH-6, e.g. CAIRBA
    sending_facility_id: str | None = None  # role 2: the facility it sends through; 3: its own
    client_sites: frozenset[str] = frozenset()  # role 3: the sites it may send for

    def __post_init__(self) -> None:
        if self.role != SiteRole.DIRECT and not self.sending_facility_id:
            raise ValueError("sending_facility_id: required for site roles 2 and 3")


class Severity(StrEnum):
    ERROR = "E"  # the message is rejected
    WARNING = "W"  # accepted, with the error reported


class AckCode(StrEnum):
    ACCEPTED = "AA"
    ACCEPTED_WITH_ERRORS = "AE"
    REJECTED = "AR"


@dataclass(frozen=True)
class Finding:
    """One broken rule: where (``PID-3-5``), the HL7 error code (table 0357) and the words."""

    location: str
    code: str
    severity: Severity
    text: str


@dataclass(frozen=True)
class Verdict:
    code: AckCode
    control_id: str
    findings: tuple[Finding, ...] = ()
    test_patient: str | None = None  # one of the test plan's synthetic patients, if it was one

    @property
    def accepted(self) -> bool:
        return self.code != AckCode.REJECTED


@dataclass(frozen=True)
class MessageRules:
    """The values a CAIR VXU must carry (from ``data/iz_portal.json``)."""

    message_type: str
    processing_id: str
    version: str
    new_record_action: str
    test_patients: frozenset[str] = field(default_factory=frozenset)


@cache
def portal_facts() -> dict[str, Any]:
    """``data/iz_portal.json``: region codes, message values, the test plan."""
    text = resources.files("cair.domain").joinpath("data/iz_portal.json").read_text()
    facts: dict[str, Any] = json.loads(text)
    return facts


def default_rules() -> MessageRules:
    facts = portal_facts()
    message = facts["message"]
    return MessageRules(
        message_type=message["type"],
        processing_id=message["processing_id"],
        version=message["version"],
        new_record_action=message["new_record_action"],
        test_patients=frozenset(facts["test_plan"]["test_patients"]),
    )


def staging_test_plan() -> TestPlan:
    """What staging must show before staff review a site for production."""
    plan = portal_facts()["test_plan"]
    return TestPlan(
        accepted_messages=int(plan["accepted_messages"]),
        test_patients=tuple(plan["test_patients"]),
        no_rejection_in_last=int(plan["no_rejection_in_last"]),
    )


def region_code(region_key: str) -> str:
    """MSH-6 of a site in ``region_key`` (a key of the county/region map)."""
    codes: dict[str, str] = portal_facts()["region_codes"]
    return codes[region_key]


# ---- checking ---------------------------------------------------------------------------------

_CONTROL_ID = re.compile(r"[A-Za-z0-9._-]{1,50}")


def check(text: str, sender: Sender, rules: MessageRules | None = None) -> Verdict:
    """Every rule at once, so the EHR side fixes its interface in one pass."""
    rules = rules or default_rules()
    message = hl7_fields.parse(text, max_chars=MAX_MESSAGE_CHARS)
    if message is None:
        return Verdict(
            AckCode.REJECTED,
            control_id="",
            findings=(_reject("MSH", "100", "NOT A VALID HL7 V2 MESSAGE"),),
        )
    sent_id = hl7_fields.value(message, "MSH", 10)
    control_id = sent_id if _CONTROL_ID.fullmatch(sent_id) else ""
    findings = [
        *_control(control_id),
        *_header(message, sender, rules),
        *_patient(message),
        *_doses(message, sender, rules),
    ]
    if len(findings) > MAX_FINDINGS:
        more = len(findings) - MAX_FINDINGS + 1
        worst = Severity.ERROR if any(f.severity == Severity.ERROR for f in findings) else None
        findings = findings[: MAX_FINDINGS - 1]
        findings.append(Finding("MSH", "207", worst or Severity.WARNING, f"AND {more} MORE"))
    code = AckCode.ACCEPTED
    if any(f.severity == Severity.ERROR for f in findings):
        code = AckCode.REJECTED
    elif findings:
        code = AckCode.ACCEPTED_WITH_ERRORS
    patient = hl7_fields.value(message, "PID", 3, component=1)
    test_patient = patient if patient in rules.test_patients else None
    return Verdict(code, control_id, tuple(findings), test_patient)


def _control(control_id: str) -> list[Finding]:
    """MSA-2 echoes MSH-10 as sent, so the sender can match the answer: an id that cannot be
    echoed safely is refused rather than altered."""
    if control_id:
        return []
    return [
        _reject(
            "MSH-10", "102", "MESSAGE CONTROL ID MUST BE 1 TO 50 LETTERS, DIGITS, '.', '_' OR '-'"
        )
    ]


def _header(message: Message, sender: Sender, rules: MessageRules) -> list[Finding]:
    found: list[Finding] = []
    kind = "^".join(hl7_fields.value(message, "MSH", 9, component=c) for c in (1, 2, 3)).rstrip("^")
    if kind != rules.message_type:
        found.append(
            _reject("MSH-9", "200", f"INVALID MESSAGE TYPE. MUST BE '{rules.message_type}'")
        )
    if hl7_fields.value(message, "MSH", 11) != rules.processing_id:
        found.append(
            _reject("MSH-11", "202", f"INVALID PROCESSING ID. MUST BE '{rules.processing_id}'")
        )
    if hl7_fields.value(message, "MSH", 12) != rules.version:
        found.append(_reject("MSH-12", "203", f"INVALID VERSION ID. MUST BE '{rules.version}'"))
    if hl7_fields.value(message, "MSH", 6, component=1) != sender.region_code:
        found.append(
            _reject("MSH-6", "103", f"INVALID RECEIVING FACILITY. MUST BE '{sender.region_code}'")
        )
    facility = hl7_fields.value(message, "MSH", 4, component=1)
    expected = sender.site_id if sender.role == SiteRole.DIRECT else sender.sending_facility_id
    if facility != expected:
        found.append(_reject("MSH-4", "103", f"INVALID SENDING FACILITY. MUST BE '{expected}'"))
    responsible = hl7_fields.organization_id(message)
    if sender.role == SiteRole.SENDING_FACILITY:
        if responsible not in sender.client_sites:
            found.append(
                _reject(
                    "MSH-22",
                    "103",
                    "SENDING RESPONSIBLE ORGANIZATION MUST BE A CLIENT SITE "
                    "OF THIS SENDING FACILITY",
                )
            )
    elif responsible != sender.site_id:
        found.append(
            _reject("MSH-22", "103", f"SENDING RESPONSIBLE ORGANIZATION MUST BE '{sender.site_id}'")
        )
    return found


def _patient(message: Message) -> list[Finding]:
    if not hl7_fields.segments(message, "PID"):
        return [_missing("PID", "SEGMENT PID")]
    if not hl7_fields.value(message, "PID", 3, component=1):
        return [_missing("PID-3", "FIELD PID-3")]
    if not hl7_fields.value(message, "PID", 3, component=5):
        return [_missing("PID-3-5", "FIELD PID-3-5")]
    return []


def _doses(message: Message, sender: Sender, rules: MessageRules) -> list[Finding]:
    doses = hl7_fields.segments(message, "RXA")
    if not doses:
        return [_missing("RXA", "SEGMENT RXA")]
    for_client = sender.role == SiteRole.SENDING_FACILITY
    site = hl7_fields.organization_id(message) if for_client else sender.site_id
    # Never echo what the sender wrote: a client site is named only as "MSH-22".
    expected = "MUST MATCH MSH-22" if for_client else f"MUST BE '{site}'"
    found: list[Finding] = []
    for number, dose in enumerate(doses, start=1):
        where = f"RXA[{number}]" if len(doses) > 1 else "RXA"
        if hl7_fields.field(dose, 11, component=4) != site or not site:
            found.append(_reject(f"{where}-11-4", "103", f"ADMINISTERED-AT LOCATION {expected}"))
        action = "^".join(hl7_fields.field(dose, 9, component=c) for c in (1, 2, 3)).rstrip("^")
        if (
            hl7_fields.field(dose, 9, component=1) in ("", "00")
            and action != rules.new_record_action
        ):
            found.append(
                Finding(
                    f"{where}-9",
                    "103",
                    Severity.WARNING,
                    f"A NEW DOSE MUST CARRY RXA-9 '{rules.new_record_action}'",
                )
            )
    orders = hl7_fields.segments(message, "ORC")
    for number, order in enumerate(orders, start=1):
        npi = hl7_fields.field(order, 12, component=1)
        where = f"ORC[{number}]-12" if len(orders) > 1 else "ORC-12"
        if not npi:
            found.append(Finding(where, "101", Severity.WARNING, "ORDERING PROVIDER NPI MISSING"))
        elif not is_npi(npi):
            found.append(Finding(where, "102", Severity.WARNING, "ORDERING PROVIDER NPI INVALID"))
    return found


def is_npi(text: str) -> bool:
    """Ten ASCII digits whose check digit holds (Luhn over the 80840 prefix, as CMS defines)."""
    if len(text) != 10 or not text.isascii() or not text.isdigit():
        return False
    digits = [int(d) for d in "80840" + text]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def _reject(location: str, code: str, text: str) -> Finding:
    return Finding(location, code, Severity.ERROR, text)


def _missing(location: str, what: str) -> Finding:
    return _reject(location, "101", f"MESSAGE REJECTED - REQUIRED {what} MISSING")
