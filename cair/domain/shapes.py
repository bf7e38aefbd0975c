"""The shapes identifiers and answers must have, stated once for pydantic (which checks them) and
the JSON Schema (which publishes them), with the words a person reads when a value does not fit.
Patterns are anchored and written so Python, Rust (pydantic) and ECMA 262 read them alike; an
optional identifier may also be blank, which means not given."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from cair.domain import limits
from cair.domain.counties import CALIFORNIA_COUNTIES, canonical_county
from cair.domain.text import Stated, shaped

_EMAIL = (
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_PHONE = r"\+?1?[ .-]?\(?[0-9]{3}\)?[ .-]?[0-9]{3}[ .-]?[0-9]{4}(?: ?(?:x|ext\.?) ?[0-9]{1,6})?"
_NPI = r"[12][0-9]{9}"
_CA_ZIP = r"9(?:[0-5][0-9]|6[01])[0-9]{2}(?:-[0-9]{4})?"  # 900xx through 961xx
_VFC_PIN = r"[0-9]{6}"
_SENDING_FACILITY = r"CA[0-9]{6}-[0-9]{2}|SF-[0-9]{6}"
_SITE_ID = r"CA[0-9]{6}-[0-9]{2}|S[0-9]{6,9}|SF-[0-9]{6}"
_MEDICAL_LICENSE = r"[A-Za-z]{1,2}[0-9]{4,6}"
_PROVIDER_ID = r"CA[0-9]{6}"


def _exactly(pattern: str) -> str:
    return f"^(?:{pattern})$"


def _or_blank(pattern: str) -> str:
    return f"^(?:{pattern})?$"


PATTERN_WORDS: dict[str, str] = {
    _exactly(_EMAIL): "must be an e-mail address, e.g. name@clinic.example",
    _or_blank(_EMAIL): "must be an e-mail address, e.g. name@clinic.example",
    _exactly(_PHONE): "must be a telephone number with area code, e.g. 510-555-0134",
    _or_blank(_PHONE): "must be a telephone number with area code, e.g. 510-555-0134",
    _or_blank(_NPI): "must be 10 digits starting with 1 or 2",
    _exactly(_CA_ZIP): "must be a California ZIP code (900xx to 961xx, or ZIP+4)",
    _or_blank(_VFC_PIN): "must be the site's 6-digit VFC PIN",
    _exactly(_SENDING_FACILITY): "must be a Site ID, e.g. CA100007-01",
    _exactly(_SITE_ID): "must be a Site ID, e.g. CA100001-02",
    _exactly(_MEDICAL_LICENSE): "must be a California medical license number, e.g. A123456",
    _exactly(_PROVIDER_ID): "must be a CAIR Provider ID, e.g. CA100001",
}


def _county(value: str) -> str:
    if canonical_county(value) is None:
        raise ValueError("not a California county: give one of the 58 counties, e.g. Alameda")
    return value


def _california(value: str) -> str:
    if value.upper() != "CA":
        raise ValueError("must be CA: CAIR enrolls California sites")
    return value


STATE_PROGRAMS = ("VFC", "317", "SGF")


def _program(value: str) -> str:
    if value.upper() not in STATE_PROGRAMS:
        raise ValueError(f"must be one of: {', '.join(STATE_PROGRAMS)}")
    return value


Email = Annotated[str, *shaped(limits.EMAIL, _exactly(_EMAIL))]
EmailOrBlank = Annotated[str, *shaped(limits.EMAIL, _or_blank(_EMAIL))]
Phone = Annotated[str, *shaped(limits.PHONE, _or_blank(_PHONE))]
PhoneGiven = Annotated[str, *shaped(limits.PHONE, _exactly(_PHONE))]
Npi = Annotated[str, *shaped(limits.NPI, _or_blank(_NPI))]
Zip = Annotated[str, *shaped(limits.ZIP, _exactly(_CA_ZIP))]
VfcPin = Annotated[str, *shaped(limits.VFC_PIN, _or_blank(_VFC_PIN))]
SendingFacilityId = Annotated[str, *shaped(limits.CHOICE, _exactly(_SENDING_FACILITY))]
SiteId = Annotated[str, *shaped(limits.CHOICE, _exactly(_SITE_ID))]
ProviderId = Annotated[str, *shaped(limits.CHOICE, _exactly(_PROVIDER_ID))]
MedicalLicense = Annotated[str, *shaped(limits.LICENSE_NUMBER, _exactly(_MEDICAL_LICENSE))]

# Answers taken in other spellings too ('alameda county', 'ca', 'vfc'), documented as the
# spelling the forms send.
County = Annotated[
    str,
    *shaped(limits.COUNTY),
    AfterValidator(_county),
    Stated(
        enum=CALIFORNIA_COUNTIES,
        description="A California county. 'alameda' and 'Alameda County' are taken too.",
    ),
]
StateCode = Annotated[
    str,
    *shaped(limits.STATE),
    AfterValidator(_california),
    Stated(enum=("CA",), description="CA: CAIR enrolls California sites ('ca' is taken too)."),
]
Program = Annotated[
    str,
    *shaped(limits.CHOICE),
    AfterValidator(_program),
    Stated(enum=STATE_PROGRAMS, description="'vfc' is taken too."),
]
