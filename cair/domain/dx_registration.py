"""A site's registration for data exchange at the IZ Portal, as a representative sends it, and
its rules, reported all at once with field paths like an enrollment's.

Only sites in the online (CAIR 7) counties register here; a site says how its messages reach CAIR
(its role); a Sending Facility is a registered site that others name."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationError

from cair.domain.counties import canonical_county
from cair.domain.field_rules import check_address, email_problems, required
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.regions import RegionMap
from cair.domain.request import Address, Contact, _Strict
from cair.domain.text import Choice, County, LicenseNumber, OrgName, PersonName
from cair.domain.validation import problem_from

# An organization with more sites registers its main site and adds the others under it.
MAX_SITES_ON_THEIR_OWN = 5
SENDING_FACILITY_ID = re.compile(r"SF-\d{6}")
CA_MEDICAL_LICENSE = re.compile(r"[A-Z]{1,2}\d{4,6}")  # e.g. A123456, G54321, AFE12345 is not


class LeadClinician(_Strict):
    first_name: PersonName
    last_name: PersonName
    license_number: LicenseNumber = Field(description="California medical license, e.g. A123456.")


class Ehr(_Strict):
    name: OrgName
    version: Choice
    vendor: OrgName
    certified: bool = Field(description="ONC-certified EHR technology.")
    hl7_capable: bool = Field(description="Can send HL7 v2.5.1 VXU messages.")


class AccessAgreement(_Strict):
    accepted: bool
    representative_name: OrgName
    representative_title: OrgName


class SiteRegistration(_Strict):
    site_name: OrgName
    county: County
    physical_address: Address
    clinical: bool = Field(description="A clinical site names its lead clinician.")
    lead_clinician: LeadClinician | None = None
    site_contact: Contact
    ehr: Ehr
    exchange_contact: Contact = Field(description="The data exchange or vendor contact.")
    role: Literal[1, 2, 3] = Field(
        description="1 sends from its own EHR, 2 through a Sending Facility, 3 is a Sending "
        "Facility for several sites."
    )
    sending_facility_id: Choice | None = Field(
        default=None, description="Role 2: the Sending Facility it sends through, e.g. SF-001728."
    )
    main_site_id: Choice | None = Field(
        default=None,
        description=f"An organization with more than {MAX_SITES_ON_THEIR_OWN} sites adds the "
        "others under its registered main site.",
    )
    agreement: AccessAgreement


def parse_registration(data: object) -> SiteRegistration:
    try:
        return SiteRegistration.model_validate(data)
    except ValidationError as invalid:
        raise InvalidRequest([problem_from(error) for error in invalid.errors()]) from None


def check_registration(
    registration: SiteRegistration,
    regions: RegionMap,
    *,
    sites_registered: int,
    own_sites: set[str],
    sending_facilities: set[str],
) -> list[Problem]:
    """Every rule at once. ``own_sites`` are the organization's registered site ids;
    ``sending_facilities`` every registered Sending Facility's id."""
    problems: list[Problem] = []
    canonical = canonical_county(registration.county)
    if canonical is None:
        problems.append(Problem("county", "not a California county"))
    else:
        region = regions.region_for(canonical)
        if not region.enrolls_online:
            rep = region.representative
            problems.append(
                Problem(
                    "county",
                    f"{canonical} is not an online (CAIR 7) county: its sites exchange data "
                    f"through {rep.organization if rep else 'their Local CAIR Representative'}",
                )
            )
    problems += check_address(registration.physical_address, "physical_address")
    if registration.clinical:
        lead = registration.lead_clinician
        if lead is None:
            problems.append(Problem("lead_clinician", "required for a clinical site"))
        elif not CA_MEDICAL_LICENSE.fullmatch(lead.license_number.upper()):
            problems.append(
                Problem(
                    "lead_clinician.license_number",
                    "must be a California medical license number, e.g. A123456",
                )
            )
    for path, contact in (
        ("site_contact", registration.site_contact),
        ("exchange_contact", registration.exchange_contact),
    ):
        problems += email_problems(contact.email, f"{path}.email")
    if not registration.ehr.hl7_capable:
        problems.append(Problem("ehr.hl7_capable", "the EHR must send HL7 v2.5.1 to exchange data"))
    problems += _role_problems(registration, sending_facilities)
    problems += _size_problems(registration, sites_registered, own_sites)
    if not registration.agreement.accepted:
        problems.append(
            Problem("agreement.accepted", "the access and confidentiality agreement is required")
        )
    problems += required(
        registration.agreement.representative_name, "agreement.representative_name"
    )
    return problems


def _role_problems(registration: SiteRegistration, sending_facilities: set[str]) -> list[Problem]:
    facility = registration.sending_facility_id
    if registration.role != 2:
        if facility:
            return [Problem("sending_facility_id", "only a role 2 site names a Sending Facility")]
        return []
    if not facility:
        return [Problem("sending_facility_id", "required for a role 2 site, e.g. SF-001728")]
    if not SENDING_FACILITY_ID.fullmatch(facility):
        return [Problem("sending_facility_id", "must look like SF-001728")]
    if facility not in sending_facilities:
        return [Problem("sending_facility_id", f"{facility} is not a registered Sending Facility")]
    return []


def _size_problems(
    registration: SiteRegistration, sites_registered: int, own_sites: set[str]
) -> list[Problem]:
    main = registration.main_site_id
    if main is not None and main not in own_sites:
        return [Problem("main_site_id", f"{main} is not a registered site of this organization")]
    if main is None and sites_registered >= MAX_SITES_ON_THEIR_OWN:
        return [
            Problem(
                "main_site_id",
                f"this organization has {sites_registered} registered sites: add more under "
                "the main site (its site id)",
            )
        ]
    return []


def validate_registration(
    data: object,
    regions: RegionMap,
    *,
    sites_registered: int,
    own_sites: set[str],
    sending_facilities: set[str],
) -> SiteRegistration:
    registration = parse_registration(data)
    problems = check_registration(
        registration,
        regions,
        sites_registered=sites_registered,
        own_sites=own_sites,
        sending_facilities=sending_facilities,
    )
    if problems:
        raise InvalidRequest(problems)
    return registration
