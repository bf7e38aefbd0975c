"""The enrollment request as applicants send it (the JSON shape of examples/*.json).

The models check structure and shape: types, required and unknown keys, lengths, plain text
(:mod:`cair.domain.text`), identifiers and enumerated answers (:mod:`cair.domain.shapes`), and
their JSON Schema states all of it. Rules across fields live in :mod:`cair.domain.validation`;
:mod:`cair.domain.reading` runs them on whatever pydantic could read, so one pass reports every
problem at once.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import ConfigDict, Field

from cair.domain import limits
from cair.domain.dx_answers import ExchangeAnswers
from cair.domain.request_parts import Address as Address
from cair.domain.request_parts import Contact as Contact
from cair.domain.request_parts import MustAccept as MustAccept
from cair.domain.request_parts import Name as Name
from cair.domain.request_parts import _Strict
from cair.domain.shapes import STATE_PROGRAMS as STATE_PROGRAMS
from cair.domain.shapes import (
    County,
    Email,
    Npi,
    PhoneGiven,
    Program,
    ProviderId,
    VfcPin,
)
from cair.domain.text import (
    NOT_BLANK,
    ChildcareLicense,
    District,
    LicenseNumber,
    LicenseType,
    OrgName,
    Stated,
)

OrgType = Literal[
    "healthcare_provider", "school", "childcare_facility", "wic_facility", "foster_care_agency"
]
RoleName = Literal["read_only", "regular", "power", "dx_qa"]
ORG_TYPES: tuple[str, ...] = get_args(OrgType)
ROLE_NAMES: tuple[str, ...] = get_args(RoleName)


class Organization(_Strict):
    name: Annotated[OrgName, *NOT_BLANK]
    type: OrgType
    county: County
    physical_address: Address
    mailing_address: Address | None = None
    vaccine_delivery_address: Address | None = None
    childcare_license_number: ChildcareLicense | None = Field(
        default=None, description="Required of a childcare facility."
    )
    school_district: District | None = Field(default=None, description="Required of a school.")
    receives_state_supplied_vaccine: bool = Field(description="VFC, 317 or SGF vaccine.")
    state_supplied_programs: Annotated[list[Program], Field(max_length=3)] | None = Field(
        default=None,
        description="Which state programs supply vaccine (VFC, 317, SGF). Without it, a site "
        "that receives state-supplied vaccine is taken to be a VFC provider.",
    )
    vfc_pin: VfcPin | None = Field(default=None, description="Required of a VFC provider.")


class ProviderOfRecord(_Strict):
    first_name: Name
    last_name: Name
    license_number: LicenseNumber | None = Field(
        default=None, description="Required where the organization administers vaccines."
    )
    license_type: LicenseType | None = Field(
        default=None, description="Required where the organization administers vaccines."
    )
    npi: Npi | None = Field(default=None, description="Its check digit is checked too.")


class PrimaryContact(Contact):
    """Registry staff call the primary contact: the telephone number is required. A Contact
    with one is taken as it is."""

    model_config = ConfigDict(from_attributes=True)

    phone: PhoneGiven


class Contacts(_Strict):
    primary: PrimaryContact
    technical: Contact | None = None
    vaccine_coordinator: Contact | None = Field(
        default=None, description="Required of a VFC provider."
    )
    other: Contact | None = None


class AccessAnswers(_Strict):
    administers_vaccines: bool
    submits_electronically: bool = Field(
        description="Only an organization that administers vaccines submits them electronically."
    )
    enters_historical_doses: bool


class RequestedUser(_Strict):
    first_name: Name
    last_name: Name
    email: Email
    role: RoleName = Field(description="Within what the organization's access level allows.")


class Agreements(_Strict):
    user_access_agreement: MustAccept
    patient_notice_acknowledged: MustAccept


class NewSiteOf(_Strict):
    """A new site of an enrolled organization. Set by the service from the representative's
    session (never typed): the site joins that organization instead of making one."""

    provider_id: ProviderId
    site_name: Annotated[OrgName, *NOT_BLANK]


class EnrollmentRequest(_Strict):
    """One organization's online enrollment."""

    organization: Organization
    provider_of_record: ProviderOfRecord | None = Field(
        default=None, description="Required where the organization administers vaccines."
    )
    contacts: Contacts
    access: AccessAnswers
    users: Annotated[
        list[RequestedUser],
        Field(max_length=limits.MAX_USERS_PER_REQUEST),
        Stated(min_items=1),
    ]
    agreements: Agreements
    data_exchange: ExchangeAnswers | None = Field(
        default=None,
        description="The IZ Portal's questions about the first site: required when it will "
        "submit electronically (the IZ Portal enrollment), and only then.",
    )
    new_site: NewSiteOf | None = Field(
        default=None,
        description="Set by the service when an enrolled organization's representative enrolls "
        "a new site (POST /organizations/{provider_id}/sites); refused here.",
    )
