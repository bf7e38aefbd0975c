"""A site's registration for data exchange at the IZ Portal, as a representative sends it, and
its rules, reported all at once with field paths like an enrollment's: the rules run on what
pydantic could read (:mod:`cair.domain.reading`), so one answer names every problem.

Only sites in the online (CAIR 7) counties register here; a site says how its messages reach CAIR
(its role); a Sending Facility is a registered site that others name. Naming another
organization's facility is allowed here, but the link waits for that organization's consent
(``operations/facility_consents.py``): until then the site's messages are refused."""

from __future__ import annotations

import re

from pydantic import Field

from cair.domain.counties import canonical_county
from cair.domain.dx_answers import ExchangeAnswers, Text
from cair.domain.field_rules import check_address, email_problems, required
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.reading import Reading, answer, read
from cair.domain.regions import RegionMap
from cair.domain.request_parts import Address
from cair.domain.shapes import County, SiteId

# An organization with more sites registers its main site and adds the others under it.
MAX_SITES_ON_THEIR_OWN = 5
CA_MEDICAL_LICENSE = re.compile(r"[A-Z]{1,2}\d{4,6}")  # e.g. A123456, G54321, AFE12345 is not


class SiteRegistration(ExchangeAnswers):
    """One site of an enrolled organization, registered for data exchange."""

    site_name: Text
    county: County = Field(description="An online (CAIR 7) county of California.")
    physical_address: Address
    main_site_id: SiteId | None = Field(
        default=None,
        description=f"An organization with more than {MAX_SITES_ON_THEIR_OWN} sites adds the "
        "others under its registered main site.",
    )


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
    problems += exchange_problems(
        registration, sending_facilities=sending_facilities, unread=unread
    )
    problems += _size_problems(registration, sites_registered, own_sites)
    return problems


def exchange_problems(
    answers: ExchangeAnswers,
    *,
    sending_facilities: set[str] | None,
    unread: frozenset[str] = frozenset(),
    prefix: str = "",
) -> list[Problem]:
    """The rules of the answers; ``sending_facilities`` the registered Sending Facilities'
    Site IDs (None: not known here, the registry checks when the request is sent)."""
    problems: list[Problem] = []
    if answers.clinical or f"{prefix}clinical" in unread:
        lead = answers.lead_clinician
        if lead is None:
            problems.append(Problem(f"{prefix}lead_clinician", "required for a clinical site"))
        elif not CA_MEDICAL_LICENSE.fullmatch(lead.license_number.upper()):
            problems.append(
                Problem(
                    f"{prefix}lead_clinician.license_number",
                    "must be a California medical license number, e.g. A123456",
                )
            )
    for path, contact in (
        ("site_contact", answers.site_contact),
        ("exchange_contact", answers.exchange_contact),
    ):
        problems += email_problems(contact.email, f"{prefix}{path}.email")
    if not answers.ehr.hl7_capable:
        problems.append(
            Problem(f"{prefix}ehr.hl7_capable", "the EHR must send HL7 v2.5.1 to exchange data")
        )
    problems += _role_problems(
        answers, sending_facilities, role_known=f"{prefix}role" not in unread, prefix=prefix
    )
    if not answers.agreement.accepted:
        problems.append(
            Problem(
                f"{prefix}agreement.accepted",
                "the access and confidentiality agreement is required",
            )
        )
    problems += required(
        answers.agreement.representative_name, f"{prefix}agreement.representative_name"
    )
    return problems


def _role_problems(
    answers: ExchangeAnswers,
    sending_facilities: set[str] | None,
    *,
    role_known: bool,
    prefix: str,
) -> list[Problem]:
    path = f"{prefix}sending_facility_id"
    facility = answers.sending_facility_id
    unknown = (
        facility is not None
        and sending_facilities is not None
        and facility not in sending_facilities
    )
    if not role_known:
        return [Problem(path, "not a registered Sending Facility")] if unknown else []
    if answers.role != 2:
        if facility:
            return [Problem(path, "only a role 2 site names a Sending Facility")]
        return []
    if not facility:
        return [Problem(path, "required for a role 2 site: its Sending Facility's Site ID")]
    if unknown:
        return [Problem(path, "not a registered Sending Facility")]
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
