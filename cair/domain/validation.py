"""Every business rule of an enrollment request, reported all at once with field paths.

Structure (types, required and unknown keys) is pydantic's job in :mod:`cair.domain.request`;
here are the rules a person reads as reasons: eligibility, what each organization type must
give, identifiers, California addresses, consistent answers, roles within the access level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from cair.domain.access import (
    ACCESS_LEVEL_LABELS,
    AccessLevel,
    Role,
    derive_access_level,
    role_allowed,
)
from cair.domain.counties import canonical_county
from cair.domain.identifiers import is_california_zip, is_email, normalize_email, npi_is_valid
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.request import (
    ORG_TYPES,
    ROLE_NAMES,
    Address,
    Contacts,
    EnrollmentRequest,
    RequestedUser,
)

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
        raise InvalidRequest([_problem_from(error) for error in invalid.errors()]) from None


def _problem_from(error: Any) -> Problem:
    path = ".".join(str(part) for part in error["loc"]) or "(request)"
    return Problem(path, _PYDANTIC_MESSAGES.get(error["type"], str(error["msg"]).lower()))


def check_enrollment(request: EnrollmentRequest) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_organization(request)
    problems += _check_provider(request)
    problems += check_contacts(
        request.contacts,
        receives_state_supplied_vaccine=request.organization.receives_state_supplied_vaccine,
    )
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
    problems = _required(org.name, "organization.name")
    if org.type not in ORG_TYPES:
        problems.append(
            Problem(
                "organization.type",
                f"{org.type!r} is not an eligible organization type "
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
            Problem("organization.county", f"{org.county!r} is not one of California's 58 counties")
        )
    problems += check_address(org.physical_address, "organization.physical_address")
    for name in ("mailing_address", "vaccine_delivery_address"):
        address = getattr(org, name)
        if address is not None:
            problems += check_address(address, f"organization.{name}")
    if org.receives_state_supplied_vaccine:
        if not (org.vfc_pin or "").strip():
            problems.append(
                Problem(
                    "organization.vfc_pin",
                    "required when the site receives state-supplied vaccine (VFC, 317, SGF)",
                )
            )
        else:
            problems += vfc_pin_problems(org.vfc_pin or "", "organization.vfc_pin")
    return problems


def vfc_pin_problems(pin: str, path: str) -> list[Problem]:
    """A VFC PIN is the 6-digit number the VFC program assigns to the site."""
    if pin.isdigit() and len(pin) == 6:
        return []
    return [Problem(path, "must be the site's 6-digit VFC PIN")]


def _check_provider(request: EnrollmentRequest) -> list[Problem]:
    provider = request.provider_of_record
    if provider is None:
        if request.organization.type == "healthcare_provider":
            return [Problem("provider_of_record", "required for a healthcare provider")]
        return []
    problems = _required(provider.first_name, "provider_of_record.first_name")
    problems += _required(provider.last_name, "provider_of_record.last_name")
    if request.organization.type == "healthcare_provider":
        problems += _required(
            provider.license_number,
            "provider_of_record.license_number",
            "required: the CA medical or pharmacist license number",
        )
        problems += _required(
            provider.license_type,
            "provider_of_record.license_type",
            "required: the license type (e.g. MD, DO, NP, RPh)",
        )
    if provider.npi:
        if not (len(provider.npi) == 10 and provider.npi.isdigit() and provider.npi[0] in "12"):
            problems.append(
                Problem("provider_of_record.npi", "must be 10 digits starting with 1 or 2")
            )
        elif not npi_is_valid(provider.npi):
            problems.append(
                Problem("provider_of_record.npi", "check digit does not match (not a valid NPI)")
            )
    return problems


def check_address(address: Address, path: str) -> list[Problem]:
    problems = _required(address.line1, f"{path}.line1")
    problems += _required(address.city, f"{path}.city")
    if address.state.strip().upper() != "CA":
        problems.append(Problem(f"{path}.state", "must be CA: CAIR enrolls California sites"))
    if not is_california_zip(address.zip):
        problems.append(Problem(f"{path}.zip", f"{address.zip!r} is not a California ZIP code"))
    return problems


def check_contacts(
    contacts: Contacts, *, receives_state_supplied_vaccine: bool, path: str = "contacts"
) -> list[Problem]:
    problems: list[Problem] = []
    for role in ("primary", "technical", "vaccine_coordinator", "other"):
        contact = getattr(contacts, role)
        if contact is None:
            continue
        problems += _required(contact.first_name, f"{path}.{role}.first_name")
        problems += _required(contact.last_name, f"{path}.{role}.last_name")
        problems += _email(contact.email, f"{path}.{role}.email")
    if receives_state_supplied_vaccine and contacts.vaccine_coordinator is None:
        problems.append(
            Problem(
                f"{path}.vaccine_coordinator",
                "required when the site receives state-supplied vaccine (VFC providers)",
            )
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


def check_new_user(
    user: RequestedUser,
    *,
    access_level: AccessLevel | None,
    existing_emails: Iterable[str],
    path: str,
) -> list[Problem]:
    """One user's rules: names, e-mail, no duplicate in the organization, role within level."""
    problems = _required(user.first_name, f"{path}.first_name")
    problems += _required(user.last_name, f"{path}.last_name")
    problems += _email(user.email, f"{path}.email")
    if normalize_email(user.email) in set(existing_emails):
        problems.append(
            Problem(f"{path}.email", "a user with this e-mail already exists in the organization")
        )
    if user.role not in ROLE_NAMES:
        problems.append(
            Problem(f"{path}.role", f"unknown role {user.role!r} (one of: {', '.join(ROLE_NAMES)})")
        )
    elif access_level is not None and not role_allowed(Role(user.role), access_level):
        allowed = ", ".join(r.value for r in Role if role_allowed(r, access_level))
        problems.append(
            Problem(
                f"{path}.role",
                f"role {user.role!r} exceeds what a {ACCESS_LEVEL_LABELS[access_level]} "
                f"organization allows (allowed: {allowed})",
            )
        )
    return problems


def _required(value: str | None, path: str, message: str = "required") -> list[Problem]:
    return [] if value and value.strip() else [Problem(path, message)]


def _email(value: str, path: str) -> list[Problem]:
    return [] if is_email(value) else [Problem(path, f"{value!r} is not a valid e-mail address")]
