"""A site's registration for data exchange at the IZ Portal, as a representative sends it, and
its rules, reported all at once with field paths like an enrollment's: the rules run on what
pydantic could read (:mod:`cair.domain.reading`), so one answer names every problem.

Only sites in the online (CAIR 7) counties register here; a site says how its messages reach CAIR
(its role); a Sending Facility is a registered site that others name."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field

from cair.domain.counties import canonical_county
from cair.domain.field_rules import check_address, email_problems, required
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.reading import Reading, answer, read
from cair.domain.regions import RegionMap
from cair.domain.request import Address, Contact, MustAccept, Name, _Strict
from cair.domain.shapes import County, MedicalLicense, SendingFacilityId, SiteId
from cair.domain.text import NOT_BLANK, Choice, OrgName

# An organization with more sites registers its main site and adds the others under it.
MAX_SITES_ON_THEIR_OWN = 5
SENDING_FACILITY_ID = re.compile(r"SF-\d{6}")
CA_MEDICAL_LICENSE = re.compile(r"[A-Z]{1,2}\d{4,6}")  # e.g. A123456, G54321, AFE12345 is not


Text = Annotated[OrgName, *NOT_BLANK]


class LeadClinician(_Strict):
    first_name: Name
    last_name: Name
    license_number: MedicalLicense = Field(description="California medical license, e.g. A123456.")


class Ehr(_Strict):
    name: Text
    version: Annotated[Choice, *NOT_BLANK]
    vendor: Text
    certified: bool = Field(description="ONC-certified EHR technology.")
    hl7_capable: MustAccept = Field(description="Sends HL7 v2.5.1 VXU messages: required.")


class AccessAgreement(_Strict):
    accepted: MustAccept
    representative_name: Text
    representative_title: Text


class SiteRegistration(_Strict):
    site_name: Text
    county: County = Field(description="An online (CAIR 7) county of California.")
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
    sending_facility_id: SendingFacilityId | None = Field(
        default=None,
        description="Role 2 (only): the registered Sending Facility it sends through, e.g. "
        "SF-001728.",
    )
    main_site_id: SiteId | None = Field(
        default=None,
        description=f"An organization with more than {MAX_SITES_ON_THEIR_OWN} sites adds the "
        "others under its registered main site.",
    )
    agreement: AccessAgreement


def parse_registration(data: object) -> SiteRegistration:
    """Only what pydantic finds (types, required and unknown keys, shapes)."""
    reading = read(SiteRegistration, data)
    if reading.problems or reading.value is None:
        raise InvalidRequest(list(reading.problems))
    return reading.value


def check_registration(
    registration: SiteRegistration,
    regions: RegionMap,
    *,
    sites_registered: int,
    own_sites: set[str],
    sending_facilities: set[str],
    unread: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Every rule at once. ``own_sites`` are the organization's registered site ids;
    ``sending_facilities`` every registered Sending Facility's id; ``unread`` the paths pydantic
    refused (blank in ``registration``): the rules that hang on the role hold back."""
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
    if registration.clinical or "clinical" in unread:
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
    problems += _role_problems(registration, sending_facilities, role_known="role" not in unread)
    problems += _size_problems(registration, sites_registered, own_sites)
    if not registration.agreement.accepted:
        problems.append(
            Problem("agreement.accepted", "the access and confidentiality agreement is required")
        )
    problems += required(
        registration.agreement.representative_name, "agreement.representative_name"
    )
    return problems


def _role_problems(
    registration: SiteRegistration, sending_facilities: set[str], *, role_known: bool
) -> list[Problem]:
    facility = registration.sending_facility_id
    if not role_known:
        if facility and facility not in sending_facilities:
            return [Problem("sending_facility_id", "not a registered Sending Facility")]
        return []
    if registration.role != 2:
        if facility:
            return [Problem("sending_facility_id", "only a role 2 site names a Sending Facility")]
        return []
    if not facility:
        return [Problem("sending_facility_id", "required for a role 2 site, e.g. SF-001728")]
    if not SENDING_FACILITY_ID.fullmatch(facility):
        return [Problem("sending_facility_id", "must look like SF-001728")]
    if facility not in sending_facilities:
        return [Problem("sending_facility_id", "not a registered Sending Facility")]
    return []


def _size_problems(
    registration: SiteRegistration, sites_registered: int, own_sites: set[str]
) -> list[Problem]:
    main = registration.main_site_id
    if main is not None and main not in own_sites:
        return [Problem("main_site_id", "not a registered site of this organization")]
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
    """Read and check; raise InvalidRequest with every problem in one answer."""
    reading = read(SiteRegistration, data)
    problems = registration_problems(
        reading,
        regions,
        sites_registered=sites_registered,
        own_sites=own_sites,
        sending_facilities=sending_facilities,
    )
    if problems:
        raise InvalidRequest(problems)
    assert reading.value is not None
    return reading.value


def registration_problems(
    reading: Reading[SiteRegistration],
    regions: RegionMap,
    *,
    sites_registered: int,
    own_sites: set[str],
    sending_facilities: set[str],
) -> list[Problem]:
    if reading.value is None:
        return list(reading.problems)
    found = check_registration(
        reading.value,
        regions,
        sites_registered=sites_registered,
        own_sites=own_sites,
        sending_facilities=sending_facilities,
        unread=reading.unread,
    )
    return answer(reading, found)
