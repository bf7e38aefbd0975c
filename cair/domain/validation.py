"""Every rule of an enrollment request, reported all at once with field paths.

Types, required and unknown keys, lengths and shapes are pydantic's, in :mod:`cair.domain.request`;
here are the rules across fields a person reads as reasons: what each organization type must
give, consistent answers, roles within the access level, NPI check digits. They run on the request
as :mod:`cair.domain.reading` read it, even where pydantic refused a part: a rule that hangs on an
answer not given holds back, except a requirement that follows from a yes/no question, which is
named with its condition — so answering the question brings no new problem.
"""

from __future__ import annotations

from dataclasses import dataclass

from cair.domain.access import AccessLevel, derive_access_level
from cair.domain.counties import canonical_county
from cair.domain.dx_registration import exchange_problems
from cair.domain.field_rules import (
    check_address,
    check_contacts,
    check_new_user,
    required,
    vfc_pin_problems,
    vfc_provider,
)
from cair.domain.identifier_checks import normalize_email, npi_has_shape, npi_is_valid
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.reading import Reading, answer, read, unread_at
from cair.domain.reading import problem_from as problem_from
from cair.domain.request import (
    ORG_TYPES,
    STATE_PROGRAMS,
    EnrollmentRequest,
    Organization,
    RequestedUser,
)


@dataclass(frozen=True)
class ValidEnrollment:
    request: EnrollmentRequest
    access_level: AccessLevel
    county: str


def validate_enrollment(data: object) -> ValidEnrollment:
    """Read and check; raise InvalidRequest with every problem, pydantic's and the rules',
    in one answer. The access level is derived from the answers, never taken from the client."""
    reading = read(EnrollmentRequest, data)
    problems = enrollment_problems(reading)
    if problems:
        raise InvalidRequest(problems)
    request = reading.value
    assert request is not None
    level = derive_access_level(request.access)
    county = canonical_county(request.organization.county)
    assert level is not None and county is not None
    return ValidEnrollment(request=request, access_level=level, county=county)


def enrollment_problems(reading: Reading[EnrollmentRequest]) -> list[Problem]:
    """Every problem of a request as read: the rules run on what pydantic could read."""
    if reading.value is None:
        return list(reading.problems)
    return answer(reading, check_enrollment(reading.value, unread=reading.unread))


def parse_enrollment(data: object) -> EnrollmentRequest:
    """Only what pydantic finds (types, required and unknown keys, shapes)."""
    reading = read(EnrollmentRequest, data)
    if reading.problems or reading.value is None:
        raise InvalidRequest(list(reading.problems))
    return reading.value


def check_enrollment(
    request: EnrollmentRequest, *, unread: frozenset[str] = frozenset()
) -> list[Problem]:
    """The rules across fields. ``unread``: paths pydantic refused (blank in ``request``)."""

    def known(*paths: str) -> bool:
        return not any(unread_at(unread, path) for path in paths)

    org = request.organization
    vfc = (
        vfc_provider(org.receives_state_supplied_vaccine, org.state_supplied_programs)
        if known("organization.receives_state_supplied_vaccine")
        and known("organization.state_supplied_programs")
        else None
    )
    administers = (
        request.access.administers_vaccines if known("access.administers_vaccines") else None
    )
    problems: list[Problem] = []
    problems += _check_organization(org, vfc=vfc, type_known=known("organization.type"))
    problems += _check_programs(
        org, receives_known=known("organization.receives_state_supplied_vaccine")
    )
    problems += _check_provider(request, administers=administers)
    problems += check_contacts(request.contacts, vfc_provider=vfc)
    access = ("access.administers_vaccines", "access.submits_electronically")
    level = None
    if known(*access, "access.enters_historical_doses"):
        level = derive_access_level(request.access)
        if level is None:
            problems.append(
                Problem(
                    "access.submits_electronically",
                    "cannot submit doses electronically without administering vaccines",
                )
            )
    problems += _check_users(request.users, level, new_site=request.new_site is not None)
    problems += _check_exchange(request, level, unread)
    if not request.agreements.user_access_agreement:
        problems.append(Problem("agreements.user_access_agreement", "must be accepted"))
    if not request.agreements.patient_notice_acknowledged:
        problems.append(
            Problem(
                "agreements.patient_notice_acknowledged",
                "must be acknowledged: every patient or parent receives the Immunization "
                "Registry Notice before their record is added",
            )
        )
    return problems


def _check_organization(org: Organization, *, vfc: bool | None, type_known: bool) -> list[Problem]:
    """``vfc``: whether it is a VFC provider; None while the answers that say so are not read."""
    problems = required(org.name, "organization.name")
    if org.type not in ORG_TYPES:
        problems.append(
            Problem(
                "organization.type",
                f"not an eligible organization type (eligible: {', '.join(ORG_TYPES)})",
            )
        )
    if (
        type_known
        and org.type == "childcare_facility"
        and not (org.childcare_license_number or "").strip()
    ):
        problems.append(
            Problem("organization.childcare_license_number", "required for a childcare facility")
        )
    if type_known and org.type == "school" and not (org.school_district or "").strip():
        problems.append(Problem("organization.school_district", "required for a school"))
    if canonical_county(org.county) is None:
        problems.append(Problem("organization.county", "not one of California's 58 counties"))
    problems += check_address(org.physical_address, "organization.physical_address")
    for name in ("mailing_address", "vaccine_delivery_address"):
        address = getattr(org, name)
        if address is not None:
            problems += check_address(address, f"organization.{name}")
    if vfc is not False and not (org.vfc_pin or "").strip():
        problems.append(Problem("organization.vfc_pin", "required of a VFC provider"))
    elif org.vfc_pin:
        problems += vfc_pin_problems(org.vfc_pin, "organization.vfc_pin")
    return problems


def _check_programs(org: Organization, *, receives_known: bool) -> list[Problem]:
    programs = org.state_supplied_programs
    if programs is None:
        return []
    path = "organization.state_supplied_programs"
    problems = [
        Problem(f"{path}.{index}", f"not a program (one of: {', '.join(STATE_PROGRAMS)})")
        for index, p in enumerate(programs)
        if p.upper() not in STATE_PROGRAMS
    ]
    named = [p.upper() for p in programs if p]
    if len(set(named)) != len(named):
        problems.append(Problem(path, "names a program twice"))
    if receives_known and programs and not org.receives_state_supplied_vaccine:
        problems.append(
            Problem(path, "given, but receives_state_supplied_vaccine says the site gets none")
        )
    if receives_known and not programs and org.receives_state_supplied_vaccine:
        problems.append(Problem(path, "name the program(s): VFC, 317 or SGF"))
    return problems


def _check_provider(request: EnrollmentRequest, *, administers: bool | None) -> list[Problem]:
    """Whoever administers vaccines (or has not said) names its provider of record, with the
    license."""
    provider = request.provider_of_record
    if provider is None:
        if administers is not False:
            return [
                Problem(
                    "provider_of_record", "required where the organization administers vaccines"
                )
            ]
        return []
    problems = required(provider.first_name, "provider_of_record.first_name")
    problems += required(provider.last_name, "provider_of_record.last_name")
    if administers is not False:
        problems += required(
            provider.license_number,
            "provider_of_record.license_number",
            "required: the CA medical or pharmacist license number",
        )
        problems += required(
            provider.license_type,
            "provider_of_record.license_type",
            "required: the license type (e.g. MD, DO, NP, RPh)",
        )
    if provider.npi:
        if not npi_has_shape(provider.npi):
            problems.append(
                Problem("provider_of_record.npi", "must be 10 digits starting with 1 or 2")
            )
        elif not npi_is_valid(provider.npi):
            problems.append(
                Problem("provider_of_record.npi", "check digit does not match (not a valid NPI)")
            )
    return problems


def _check_exchange(
    request: EnrollmentRequest, level: AccessLevel | None, unread: frozenset[str]
) -> list[Problem]:
    """The two doors: a site that will submit electronically enrolls at the IZ Portal, which
    asks about its data exchange; the general form does not."""
    answers = request.data_exchange
    if level == AccessLevel.DATA_EXCHANGE and answers is None:
        if unread_at(unread, "data_exchange"):
            return []
        return [
            Problem(
                "data_exchange",
                "required: a site that submits immunizations electronically enrolls at the IZ "
                "Portal (/iz-portal/enroll), which asks about its EHR and data exchange",
            )
        ]
    if answers is None:
        return []
    if level is not None and level != AccessLevel.DATA_EXCHANGE:
        return [
            Problem(
                "data_exchange",
                "only a site that submits immunizations electronically answers the data-exchange "
                "questions (access.submits_electronically)",
            )
        ]
    return exchange_problems(
        answers, sending_facilities=None, unread=unread, prefix="data_exchange."
    )


def _check_users(
    users: list[RequestedUser], level: AccessLevel | None, *, new_site: bool = False
) -> list[Problem]:
    """A new organization names its first users; a new site of one may add none."""
    if not users and not new_site:
        return [Problem("users", "at least one user is required")]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, user in enumerate(users):
        path = f"users.{index}"
        problems += check_new_user(user, access_level=level, existing_emails=set(), path=path)
        email = normalize_email(user.email)
        if not email:
            continue
        if email in seen:
            problems.append(
                Problem(f"{path}.email", f"duplicates the e-mail of users.{seen[email]}")
            )
        else:
            seen[email] = index
    return problems
