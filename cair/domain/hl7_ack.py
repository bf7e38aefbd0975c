"""The HL7 ACK answering a VXU: MSH, MSA with the verdict and the message's control id, and one
ERR per finding (location, HL7 table 0357 code, severity, the words). Built from the verdict
alone, so it can carry nothing of the message it answers but its control id."""

from __future__ import annotations

import re
from datetime import datetime

from cair.domain.vxu_rules import Finding, Verdict

_LOCATION = re.compile(
    r"^(?P<segment>[A-Z0-9]{3})(?:\[(?P<n>\d+)\])?(?:-(?P<field>\d+))?(?:-(?P<component>\d+))?$"
)  # noqa: E501
_ESCAPES = {"\\": "\\E\\", "|": "\\F\\", "^": "\\S\\", "&": "\\T\\", "~": "\\R\\"}
_ERRORS = {
    "100": "Segment sequence error",
    "101": "Required field missing",
    "102": "Data type error",
    "103": "Table value not found",
    "200": "Unsupported message type",
    "202": "Unsupported processing id",
    "203": "Unsupported version id",
    "207": "Application internal error",
}


def ack(verdict: Verdict, *, receiving_facility: str, control_id: str, now: datetime) -> str:
    """The ACK^V04 for ``verdict``, segments separated by carriage returns as HL7 wants.

    ``control_id`` is the ACK's own MSH-10; MSA-2 echoes the message's."""
    header = "|".join(
        [
            "MSH", "^~\\&", "CAIR", receiving_facility or "CAIR", "", "",
            now.strftime("%Y%m%d%H%M%S%z"), "", "ACK^V04^ACK", control_id, "P", "2.5.1",
        ]
    )  # fmt: skip
    lines = [header, f"MSA|{verdict.code.value}|{verdict.control_id}"]
    lines += [_err(finding) for finding in verdict.findings]
    return "\r".join(lines) + "\r"


def _err(finding: Finding) -> str:
    name = _ERRORS.get(finding.code, "Application error")
    return "|".join(
        ["ERR", "", _location(finding.location), f"{finding.code}^{name}^HL70357",
         finding.severity.value, "", "", "", _text(finding.text)]
    )  # fmt: skip


def _text(text: str) -> str:
    """A finding's words as HL7 text: delimiters escaped, control characters dropped, so no
    configured id can open a field or a segment of its own."""
    escaped = "".join(_ESCAPES.get(c, c) for c in text)
    return "".join(c for c in escaped if c.isprintable())


def _location(location: str) -> str:
    """``PID-3-5`` as an ERL: ``PID^1^3^5``; ``RXA[2]-11-4`` as ``RXA^2^11^4``."""
    found = _LOCATION.match(location)
    if found is None:
        return ""
    parts = [found["segment"], found["n"] or "1", found["field"] or "", found["component"] or ""]
    return "^".join(parts).rstrip("^")
