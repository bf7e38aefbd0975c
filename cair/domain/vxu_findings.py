"""What checking a VXU yields: findings (one per broken rule, where and what, in CAIR's words)
and the verdict the ACK carries. Shared by the checks, the ACK and the endpoint's record of each
message, so an answer can be written again from what was kept of it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The check code of a query's first stored finding, which says how it was answered
# (``RSP-Z34-Z32-OK``: ``qbp_answers``); a VXU's record never starts with one.
ANSWERED = "RSP-"


class Severity(StrEnum):
    """ERR-4 (HL7 table 0516)."""

    ERROR = "E"
    WARNING = "W"
    INFORMATION = "I"


class Effect(StrEnum):
    """What a broken rule does to the message: the MSA-1 it leads to at worst."""

    REJECT = "AR"  # the message cannot be processed
    ERROR = "AE"  # a dose or a field cannot be recorded; the rest is
    WARNING = "W"  # recorded as sent, or the value ignored: reported, still AA

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self is Effect.WARNING else Severity.ERROR


class AckCode(StrEnum):
    ACCEPTED = "AA"
    ACCEPTED_WITH_ERRORS = "AE"
    REJECTED = "AR"


@dataclass(frozen=True)
class Finding:
    """One broken rule: where (``PID-3-5``, ``RXA[2]-5``), the HL7 error code (table 0357), the
    severity (ERR-4), CAIR's words, the check's stable code and its CDC application error code
    (table 0533). ``rejects``: the message is refused for it."""

    location: str
    code: str
    severity: Severity
    text: str
    check: str = ""
    application: str = ""
    rejects: bool = False

    def stored(self) -> dict[str, str]:
        """As ``dx_messages.findings`` keeps it: CAIR's own values only."""
        return {
            "location": self.location,
            "code": self.code,
            "severity": self.severity.value,
            "text": self.text,
            "check": self.check,
            "application": self.application,
            "rejects": "1" if self.rejects else "",
        }

    @classmethod
    def from_stored(cls, kept: dict[str, str]) -> Finding:
        """A finding read back (rows from before check codes lack them: they stay empty)."""
        severity = kept.get("severity", "E")
        return cls(
            location=str(kept.get("location", "")),
            code=str(kept.get("code", "")),
            severity=Severity(severity) if severity in ("E", "W", "I") else Severity.ERROR,
            text=str(kept.get("text", "")),
            check=str(kept.get("check", "")),
            application=str(kept.get("application", "")),
            rejects=bool(kept.get("rejects")),
        )


@dataclass(frozen=True)
class Verdict:
    code: AckCode
    control_id: str
    findings: tuple[Finding, ...] = ()
    test_patient: str | None = None  # one of the test plan's synthetic patients, if it was one

    @property
    def accepted(self) -> bool:
        return self.code != AckCode.REJECTED


def ack_code(findings: list[Finding] | tuple[Finding, ...]) -> AckCode:
    """AR if any finding rejects, AE if any is an error, AA otherwise (warnings included: the
    CDC guide answers AA with ERR segments of severity W)."""
    if any(f.rejects for f in findings):
        return AckCode.REJECTED
    if any(f.severity == Severity.ERROR for f in findings):
        return AckCode.ACCEPTED_WITH_ERRORS
    return AckCode.ACCEPTED


def answered_as(findings: list[dict[str, str]]) -> str:
    """How a stored query was answered (``Z34-Z32-OK``), or empty for a VXU's record."""
    first = findings[0].get("check", "") if findings else ""
    return first.removeprefix(ANSWERED) if first.startswith(ANSWERED) else ""
