"""Text a person typed, made safe to store, show and mail: no control characters, no line or
paragraph separators (they break e-mail headers and exports), no bidirectional overrides or
invisible marks (they make one name look like another). Each kind of value has its length limit
from :mod:`cair.domain.limits`, the same as its database column. The JSON Schema states the same
rules (``pattern``), so a client built from the API's document sends what is taken."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any

from annotated_types import MinLen
from pydantic import BeforeValidator, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from cair.domain import limits

# Character classes written the way both Python and a JSON Schema (ECMA 262) reader take them.
_CONTROL = r"\x00-\x1f\x7f-\x9f"
_CONTROL_BUT_TAB_AND_NEWLINE = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
_SEPARATORS_AND_INVISIBLE = r"\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
_SPACES = r" \xa0\u1680\u2000-\u200a\u202f\u205f\u3000"  # what stripping removes, besides those
_NOT_IN_LINE = _CONTROL + _SEPARATORS_AND_INVISIBLE
_NOT_IN_PARAGRAPH = _CONTROL_BUT_TAB_AND_NEWLINE + _SEPARATORS_AND_INVISIBLE

PLAIN_LINE = f"^[^{_NOT_IN_LINE}]*$"
PLAIN_LINE_NOT_BLANK = f"^[^{_NOT_IN_LINE}]*[^{_NOT_IN_LINE}{_SPACES}][^{_NOT_IN_LINE}]*$"
PLAIN_TEXT = f"^[^{_NOT_IN_PARAGRAPH}]*$"
PLAIN_TEXT_NOT_BLANK = (
    f"^[^{_NOT_IN_PARAGRAPH}]*[^{_NOT_IN_PARAGRAPH}{_SPACES}\\t\\n][^{_NOT_IN_PARAGRAPH}]*$"
)

_FORBIDDEN_IN_LINE = re.compile(f"[{_NOT_IN_LINE}]")
_FORBIDDEN_IN_PARAGRAPH = re.compile(f"[{_NOT_IN_PARAGRAPH}]")


@dataclass(frozen=True)
class Stated:
    """What the JSON Schema states of a value beside pydantic's own keywords: a rule that a
    validator here or a business rule enforces, so the document says what the server takes."""

    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    const: bool | None = None
    min_items: int | None = None
    description: str | None = None

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        stated: dict[str, Any] = {
            "pattern": self.pattern,
            "enum": list(self.enum) if self.enum is not None else None,
            "const": self.const,
            "minItems": self.min_items,
            "description": self.description,
        }
        schema.update({key: value for key, value in stated.items() if value is not None})
        return schema


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


def _text_only(check: Any) -> BeforeValidator:
    """Checked as sent, before the blanks around it are stripped: what the document refuses
    anywhere in the value is refused here too, even at its ends."""
    return BeforeValidator(lambda value: check(value) if isinstance(value, str) else value)


def quoted(value: str, limit: int = 40) -> str:
    """A value shown back in a message, cut short so a huge value makes a short message."""
    return repr(value) if len(value) <= limit else repr(value[:limit] + "…")


def plain_line(max_length: int) -> tuple[StringConstraints, BeforeValidator, Stated]:
    return (
        StringConstraints(strip_whitespace=True, max_length=max_length),
        _text_only(single_line),
        Stated(pattern=PLAIN_LINE),
    )


def shaped(
    max_length: int, pattern: str | None = None
) -> tuple[StringConstraints, BeforeValidator]:
    """An identifier or an answer from a list: plain text of one shape (``pattern``, anchored;
    :mod:`cair.domain.shapes` has the words for each), or checked by a validator of its own."""
    return (
        StringConstraints(strip_whitespace=True, max_length=max_length, pattern=pattern),
        _text_only(single_line),
    )


# Appended to a text type where a value must be given: not blank once stripped.
NOT_BLANK = (MinLen(1), Stated(pattern=PLAIN_LINE_NOT_BLANK))

PersonName = Annotated[str, *plain_line(limits.PERSON_NAME)]
OrgName = Annotated[str, *plain_line(limits.ORG_NAME)]
AddressLine = Annotated[str, *plain_line(limits.ADDRESS_LINE)]
City = Annotated[str, *plain_line(limits.CITY)]
LicenseNumber = Annotated[str, *plain_line(limits.LICENSE_NUMBER)]
LicenseType = Annotated[str, *plain_line(limits.LICENSE_TYPE)]
District = Annotated[str, *plain_line(limits.SCHOOL_DISTRICT)]
ChildcareLicense = Annotated[str, *plain_line(limits.CHILDCARE_LICENSE)]
Choice = Annotated[str, *plain_line(limits.CHOICE)]
StaffText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=limits.STAFF_TEXT),
    _text_only(paragraph),
    Stated(pattern=PLAIN_TEXT),
]
StaffTextGiven = Annotated[StaffText, MinLen(1), Stated(pattern=PLAIN_TEXT_NOT_BLANK)]
