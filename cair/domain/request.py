"""The enrollment request as applicants send it (the JSON shape of examples/*.json).

The models check structure only (types, required keys, unknown keys refused). Business rules live
in :mod:`cair.domain.validation` so that one pass can report every problem at once; that is why
enumerated answers such as the organization type are plain strings here, with their allowed
values published in the JSON Schema.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

ORG_TYPES = (
    "healthcare_provider",
    "school",
    "childcare_facility",
    "wic_facility",
    "foster_care_agency",
)
ROLE_NAMES = ("read_only", "regular", "power", "dx_qa")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Address(_Strict):
    line1: str
    line2: str | None = None
    city: str
    state: str
    zip: str


class Organization(_Strict):
    name: str
    type: str = Field(json_schema_extra={"enum": list(ORG_TYPES)})
    county: str = Field(description="California county; 'Alameda' and 'Alameda County' both work.")
    physical_address: Address
    mailing_address: Address | None = None
    vaccine_delivery_address: Address | None = None
    childcare_license_number: str | None = None
    school_district: str | None = None
    receives_state_supplied_vaccine: bool = Field(description="VFC, 317 or SGF vaccine.")
    vfc_pin: str | None = None


class ProviderOfRecord(_Strict):
    first_name: str
    last_name: str
    license_number: str | None = None
    license_type: str | None = None
    npi: str | None = None


class Contact(_Strict):
    first_name: str
    last_name: str
    email: str
    phone: str | None = None


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
    first_name: str
    last_name: str
    email: str
    role: str = Field(json_schema_extra={"enum": list(ROLE_NAMES)})


class Agreements(_Strict):
    user_access_agreement: bool
    patient_notice_acknowledged: bool


class EnrollmentRequest(_Strict):
    """One organization's online enrollment."""

    organization: Organization
    provider_of_record: ProviderOfRecord | None = None
    contacts: Contacts
    access: AccessAnswers
    users: list[RequestedUser]
    agreements: Agreements
