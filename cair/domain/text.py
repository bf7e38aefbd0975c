"""Text a person typed, made safe to store, show and mail: no control characters, no line or
paragraph separators (they break e-mail headers and exports), no bidirectional overrides or
invisible marks (they make one name look like another). Each kind of value has its length limit
from :mod:`cair.domain.limits`, the same as its database column."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from cair.domain import limits

_INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
_FORBIDDEN_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]")
_FORBIDDEN_IN_PARAGRAPH = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]")


def _refuse(pattern: re.Pattern[str], value: str) -> str:
    found = pattern.search(value)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise ValueError(f"contains a control or invisible character ({code}); use plain text")
    return unicodedata.normalize("NFC", value)


def single_line(value: str) -> str:
    return _refuse(_FORBIDDEN_IN_LINE, value)


def paragraph(value: str) -> str:
    """Line breaks and tabs are allowed, nothing else of the kind."""
    return _refuse(_FORBIDDEN_IN_PARAGRAPH, value)


def quoted(value: str, limit: int = 40) -> str:
    """A value shown back in a message, cut short so a huge value makes a short message."""
    return repr(value) if len(value) <= limit else repr(value[:limit] + "…")


def _line(max_length: int) -> tuple[StringConstraints, AfterValidator]:
    return (
        StringConstraints(strip_whitespace=True, max_length=max_length),
        AfterValidator(single_line),
    )


PersonName = Annotated[str, *_line(limits.PERSON_NAME)]
OrgName = Annotated[str, *_line(limits.ORG_NAME)]
EmailText = Annotated[str, *_line(limits.EMAIL)]
Phone = Annotated[str, *_line(limits.PHONE)]
AddressLine = Annotated[str, *_line(limits.ADDRESS_LINE)]
City = Annotated[str, *_line(limits.CITY)]
StateText = Annotated[str, *_line(limits.STATE)]
Zip = Annotated[str, *_line(limits.ZIP)]
County = Annotated[str, *_line(limits.COUNTY)]
LicenseNumber = Annotated[str, *_line(limits.LICENSE_NUMBER)]
LicenseType = Annotated[str, *_line(limits.LICENSE_TYPE)]
Npi = Annotated[str, *_line(limits.NPI)]
VfcPin = Annotated[str, *_line(limits.VFC_PIN)]
District = Annotated[str, *_line(limits.SCHOOL_DISTRICT)]
ChildcareLicense = Annotated[str, *_line(limits.CHILDCARE_LICENSE)]
Choice = Annotated[str, *_line(limits.CHOICE)]
StaffText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=limits.STAFF_TEXT),
    AfterValidator(paragraph),
]
