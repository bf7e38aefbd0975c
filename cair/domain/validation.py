"""Every business rule of an enrollment request, reported all at once with field paths.

Structure (types, required and unknown keys) is pydantic's job in :mod:`cair.domain.request`;
here are the rules a person reads as reasons: eligibility, what each organization type must
give, identifiers, California addresses, consistent answers, roles within the access level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from cair.domain.access import AccessLevel, derive_access_level
from cair.domain.counties import canonical_county
from cair.domain.field_rules import (
    check_address,
    check_contacts,
    check_new_user,
    is_vfc_provider,
    required,
    vfc_pin_problems,
)
from cair.domain.identifier_checks import normalize_email, npi_has_shape, npi_is_valid
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.request import (
    ORG_TYPES,
    STATE_PROGRAMS,
    EnrollmentRequest,
    Organization,
    RequestedUser,
)
from cair.domain.text import quoted

_PYDANTIC_MESSAGES = {
    "missing": "required",
    "extra_forbidden": "unknown field (not part of the request)",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "json_invalid": "not valid JSON",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "greater_than_equal": "is too small",
    "less_than_equal": "is too large",
}


@dataclass(frozen=True)
class ValidEnrollment:
    request: EnrollmentRequest
    access_level: AccessLevel
    county: str


def validate_enrollment(data: object) -> ValidEnrollment:
    """Parse and check; raise InvalidRequest with every problem. The access level is derived
    from the answers, never taken from the client."""
    request = parse_enrollment(data)
    problems = check_enrollment(request)
    if problems:
        raise InvalidRequest(problems)
    level = derive_access_level(request.access)
    county = canonical_county(request.organization.county)
    assert level is not None and county is not None
    return ValidEnrollment(request=request, access_level=level, county=county)


def parse_enrollment(data: object) -> EnrollmentRequest:
    if isinstance(data, EnrollmentRequest):
        return data
    try:
        return EnrollmentRequest.model_validate(data)
    except ValidationError as invalid:
        raise InvalidRequest([problem_from(error) for error in invalid.errors()]) from None


def problem_from(error: Any) -> Problem:
    """Pydantic's finding in the words of the rest: never the value itself, which may be huge."""
    path = ".".join(str(part) for part in error["loc"]) or "(request)"
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "string_too_long":
        return Problem(path, f"too long: at most {context['max_length']} characters")
    if kind == "too_long":
        return Problem(path, f"too many: at most {context['max_length']}")
    if kind == "value_error":
        return Problem(path, str(error["msg"]).removeprefix("Value error, "))
    return Problem(path, _PYDANTIC_MESSAGES.get(kind, str(error["msg"]).lower()))


def check_enrollment(request: EnrollmentRequest) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_organization(request)
    problems += _check_provider(request)
    problems += check_contacts(request.contacts, vfc_provider=is_vfc_provider(request.organization))
    level = derive_access_level(request.access)
    if level is None:
        problems.append(
            Problem(
                "access.submits_electronically",
                "cannot submit doses electronically without administering vaccines",
            )
        )
    problems += _check_users(request.users, level)
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


def _check_organization(request: EnrollmentRequest) -> list[Problem]:
    org = request.organization
    problems = required(org.name, "organization.name")
    if org.type not in ORG_TYPES:
        problems.append(
            Problem(
                "organization.type",
                f"{quoted(org.type)} is not an eligible organization type "
                f"(eligible: {', '.join(ORG_TYPES)})",
            )
        )
    if org.type == "childcare_facility" and not (org.childcare_license_number or "").strip():
        problems.append(
            Problem("organization.childcare_license_number", "required for a childcare facility")
        )
    if org.type == "school" and not (org.school_district or "").strip():
        problems.append(Problem("organization.school_district", "required for a school"))
    if canonical_county(org.county) is None:
        problems.append(
            Problem(
                "organization.county",
                f"{quoted(org.county)} is not one of California's 58 counties",
            )
        )
    problems += check_address(org.physical_address, "organization.physical_address")
    for name in ("mailing_address", "vaccine_delivery_address"):
        address = getattr(org, name)
        if address is not None:
            problems += check_address(address, f"organization.{name}")
    problems += _check_programs(org)
    if is_vfc_provider(org) and not (org.vfc_pin or "").strip():
        problems.append(Problem("organization.vfc_pin", "required of a VFC provider"))
    elif org.vfc_pin:
        problems += vfc_pin_problems(org.vfc_pin, "organization.vfc_pin")
    return problems


def _check_programs(org: Organization) -> list[Problem]:
    programs = org.state_supplied_programs
    if programs is None:
        return []
    path = "organization.state_supplied_programs"
    problems = [
        Problem(f"{path}.{index}", f"{quoted(p)} is not a program (one of: VFC, 317, SGF)")
        for index, p in enumerate(programs)
        if p.upper() not in STATE_PROGRAMS
    ]
    if len({p.upper() for p in programs}) != len(programs):
        problems.append(Problem(path, "names a program twice"))
    if programs and not org.receives_state_supplied_vaccine:
        problems.append(
            Problem(path, "given, but receives_state_supplied_vaccine says the site gets none")
        )
    if not programs and org.receives_state_supplied_vaccine:
        problems.append(Problem(path, "name the program(s): VFC, 317 or SGF"))
    return problems


def _check_provider(request: EnrollmentRequest) -> list[Problem]:
    """Whoever administers vaccines names its provider of record, with the license."""
    provider = request.provider_of_record
    administers = request.access.administers_vaccines
    if provider is None:
        if administers:
            return [
                Problem(
                    "provider_of_record", "required where the organization administers vaccines"
                )
            ]
        return []
    problems = required(provider.first_name, "provider_of_record.first_name")
    problems += required(provider.last_name, "provider_of_record.last_name")
    if administers:
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


def _check_users(users: list[RequestedUser], level: AccessLevel | None) -> list[Problem]:
    if not users:
        return [Problem("users", "at least one user is required")]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, user in enumerate(users):
        path = f"users.{index}"
        problems += check_new_user(user, access_level=level, existing_emails=set(), path=path)
        email = normalize_email(user.email)
        if email in seen:
            problems.append(
                Problem(f"{path}.email", f"duplicates the e-mail of users.{seen[email]}")
            )
        else:
            seen[email] = index
    return problems
