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
            "MSH",
            "^~\\&",  # MSH-2: encoding characters
            "CAIR",  # MSH-3: sending application
            receiving_facility or "CAIR",  # MSH-4: sending facility
            "",  # MSH-5: receiving application
            "",  # MSH-6: receiving facility
            now.strftime("%Y%m%d%H%M%S%z"),  # MSH-7: date/time of message
            "",  # MSH-8: security
            "ACK^V04^ACK",  # MSH-9: message type
            control_id,  # MSH-10: message control id
            "P",  # MSH-11: processing id
            "2.5.1",  # MSH-12: version id
        ]
    )
    lines = [header, f"MSA|{verdict.code.value}|{verdict.control_id}"]
    lines += [_err(finding) for finding in verdict.findings]
    return "\r".join(lines) + "\r"


def _err(finding: Finding) -> str:
    name = _ERRORS.get(finding.code, "Application error")
    return "|".join(
        [
            "ERR",
            "",  # ERR-1: error code and location (backward compatibility only)
            _location(finding.location),  # ERR-2: error location
            f"{finding.code}^{name}^HL70357",  # ERR-3: HL7 error code
            finding.severity.value,  # ERR-4: severity
            "",  # ERR-5: application error code
            "",  # ERR-6: application error parameter
            "",  # ERR-7: diagnostic information
            _text(finding.text),  # ERR-8: user message
        ]
    )


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
