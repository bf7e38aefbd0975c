"""The HL7 ACK answering a VXU, shaped as the CDC guide (release 1.5) wants: MSH (profile
``Z23^CDCPHINVS``), MSA with the verdict and the message's control id, and one ERR per finding:
ERR-2 where (segment, sequence, field, repetition, component), ERR-3 the HL7 error (table 0357),
ERR-4 the severity, ERR-5 the CDC application error (table 0533) with CAIR's check code as its
alternate identifier, ERR-8 CAIR's words. Built from the verdict alone, so it can carry nothing
of the message it answers but its control id; a stored verdict gives the same ACK again."""

from __future__ import annotations

import re
from datetime import datetime

from cair.domain.vxu_catalogue import APPLICATION_ERRORS, HL7_ERRORS
from cair.domain.vxu_context import ACK_PROFILE
from cair.domain.vxu_findings import Finding, Verdict

_LOCATION = re.compile(
    r"^(?P<segment>[A-Z0-9]{3})(?:\[(?P<n>\d+)\])?(?:-(?P<field>\d+))?(?:-(?P<component>\d+))?$"
)
_ESCAPES = {"\\": "\\E\\", "|": "\\F\\", "^": "\\S\\", "&": "\\T\\", "~": "\\R\\"}
LOCAL_CODES = "99CAIR"  # the coding system of CAIR's own check codes (HL7: 99zzz is local)


def ack(verdict: Verdict, *, receiving_facility: str, control_id: str, now: datetime) -> str:
    """The ACK^V04 for ``verdict``, segments separated by carriage returns as HL7 wants.

    ``control_id`` is the ACK's own MSH-10; MSA-2 echoes the message's."""
    header = "|".join(
        [
            "MSH",
            "^~\\&",  # MSH-2: encoding characters
            "CAIR",  # MSH-3: sending application
            _text(receiving_facility) or "CAIR",  # MSH-4: sending facility
            "",  # MSH-5: receiving application
            "",  # MSH-6: receiving facility
            now.strftime("%Y%m%d%H%M%S%z"),  # MSH-7: date/time of message
            "",  # MSH-8: security
            "ACK^V04^ACK",  # MSH-9: message type
            _text(control_id),  # MSH-10: message control id
            "P",  # MSH-11: processing id
            "2.5.1",  # MSH-12: version id
            *[""] * 8,  # MSH-13 to MSH-20
            ACK_PROFILE,  # MSH-21: message profile identifier
        ]
    )
    lines = [header, f"MSA|{verdict.code.value}|{_text(verdict.control_id)}"]
    lines += [err(finding) for finding in verdict.findings]
    return "\r".join(lines) + "\r"


def err(finding: Finding) -> str:
    """The ERR segment of one finding (the RSP of a query writes the same)."""
    name = HL7_ERRORS.get(finding.code, "Application error")
    return "|".join(
        [
            "ERR",
            "",  # ERR-1: error code and location (backward compatibility only)
            location(finding.location),  # ERR-2: error location
            f"{_text(finding.code)}^{name}^HL70357",  # ERR-3: HL7 error code
            finding.severity.value,  # ERR-4: severity
            _application(finding),  # ERR-5: application error code
            "",  # ERR-6: application error parameter
            "",  # ERR-7: diagnostic information
            _text(finding.text),  # ERR-8: user message
        ]
    )


def _application(finding: Finding) -> str:
    """CWE: the table 0533 code, and CAIR's check code as the alternate (``^^^VXU-…`` when no
    0533 code fits, as for a segment out of order)."""
    primary = ""
    if finding.application in APPLICATION_ERRORS:
        primary = f"{finding.application}^{APPLICATION_ERRORS[finding.application]}^HL70533"
    if not finding.check:
        return primary
    return f"{primary or '^^'}^{_text(finding.check)}^^{LOCAL_CODES}"


def text(value: str) -> str:
    """CAIR's words as HL7 text (public: the RSP of a query writes its own values with it)."""
    return _text(value)


def _text(text: str) -> str:
    """CAIR's words as HL7 text: delimiters escaped, control characters dropped, so no
    configured id can open a field or a segment of its own."""
    escaped = "".join(_ESCAPES.get(c, c) for c in text)
    return "".join(c for c in escaped if c.isprintable())


def location(where: str) -> str:
    """An ERL: ``PID-3-5`` is ``PID^1^3^1^5`` (segment, sequence, field, repetition,
    component); ``RXA[2]-11-4`` is ``RXA^2^11^1^4``; ``RXA[2]`` is ``RXA^2``."""
    found = _LOCATION.match(where)
    if found is None:
        return ""
    parts = [found["segment"], found["n"] or "1"]
    if found["field"]:
        parts.append(found["field"])
        if found["component"]:
            parts += ["1", found["component"]]
    return "^".join(parts)
