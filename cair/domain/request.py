"""The enrollment request as applicants send it (the JSON shape of examples/*.json).

The models check structure: types, required and unknown keys, lengths, and that text is plain
text (:mod:`cair.domain.text`). Business rules live in :mod:`cair.domain.validation` so that one
pass can report every problem at once; that is why enumerated answers such as the organization
type are plain strings here, with their allowed values published in the JSON Schema.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from cair.domain import limits
from cair.domain.text import (
    AddressLine,
    ChildcareLicense,
    Choice,
    City,
    County,
    District,
    EmailText,
    LicenseNumber,
    LicenseType,
    Npi,
    OrgName,
    PersonName,
    Phone,
    StateText,
    VfcPin,
    Zip,
)

ORG_TYPES = (
    "healthcare_provider",
    "school",
    "childcare_facility",
    "wic_facility",
    "foster_care_agency",
)
ROLE_NAMES = ("read_only", "regular", "power", "dx_qa")
STATE_PROGRAMS = ("VFC", "317", "SGF")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Address(_Strict):
    line1: AddressLine
    line2: AddressLine | None = None
    city: City
    state: StateText
    zip: Zip


class Organization(_Strict):
    name: OrgName
    type: Choice = Field(json_schema_extra={"enum": list(ORG_TYPES)})
    county: County = Field(description="California county; 'Alameda' and 'Alameda County' work.")
    physical_address: Address
    mailing_address: Address | None = None
    vaccine_delivery_address: Address | None = None
    childcare_license_number: ChildcareLicense | None = None
    school_district: District | None = None
    receives_state_supplied_vaccine: bool = Field(description="VFC, 317 or SGF vaccine.")
    state_supplied_programs: list[Choice] | None = Field(
        default=None,
        max_length=len(STATE_PROGRAMS),
        description="Which state programs supply vaccine (VFC, 317, SGF). Without it, a site "
        "that receives state-supplied vaccine is taken to be a VFC provider.",
        json_schema_extra={"items": {"enum": list(STATE_PROGRAMS)}},
    )
    vfc_pin: VfcPin | None = None


class ProviderOfRecord(_Strict):
    first_name: PersonName
    last_name: PersonName
    license_number: LicenseNumber | None = None
    license_type: LicenseType | None = None
    npi: Npi | None = None


class Contact(_Strict):
    first_name: PersonName
    last_name: PersonName
    email: EmailText
    phone: Phone | None = None


class Contacts(_Strict):
    primary: Contact
    technical: Contact | None = None
    vaccine_coordinator: Contact | None = None
    other: Contact | None = None


class AccessAnswers(_Strict):
    administers_vaccines: bool
    submits_electronically: bool
    enters_historical_doses: bool


class RequestedUser(_Strict):
    first_name: PersonName
    last_name: PersonName
    email: EmailText
    role: Choice = Field(json_schema_extra={"enum": list(ROLE_NAMES)})


class Agreements(_Strict):
    user_access_agreement: bool
    patient_notice_acknowledged: bool


class EnrollmentRequest(_Strict):
    """One organization's online enrollment."""

    organization: Organization
    provider_of_record: ProviderOfRecord | None = None
    contacts: Contacts
    access: AccessAnswers
    users: Annotated[list[RequestedUser], Field(max_length=limits.MAX_USERS_PER_REQUEST)]
    agreements: Agreements
