"""Rules of one part of a request — an address, a set of contacts, a new user, a VFC PIN —
shared by enrollment validation and account changes, so a rule reads the same in both. Their
messages name the rule, never the value (it may be long, or personal)."""

from __future__ import annotations

from collections.abc import Iterable

from cair.domain.access import ACCESS_LEVEL_LABELS, ROLE_LABELS, AccessLevel, Role, role_allowed
from cair.domain.identifier_checks import (
    is_california_zip,
    is_email,
    is_us_phone,
    is_vfc_pin,
    normalize_email,
    npi_has_shape,
    npi_is_valid,
)
from cair.domain.problems import Problem
from cair.domain.request import ROLE_NAMES, Address, Contacts, ProviderOfRecord, RequestedUser


def vfc_provider(receives_state_supplied_vaccine: bool, programs: list[str] | None) -> bool:
    """Receives state-supplied vaccine through VFC. A request that gives only the yes/no answer
    is taken to be a VFC provider: that is what the answer meant on the first form."""
    if not receives_state_supplied_vaccine:
        return False
    return programs is None or "VFC" in {p.upper() for p in programs}


def vfc_pin_problems(pin: str, path: str) -> list[Problem]:
    """A VFC PIN is the 6-digit number the VFC program assigns to the site."""
    return [] if is_vfc_pin(pin) else [Problem(path, "must be the site's 6-digit VFC PIN")]


def check_address(address: Address, path: str) -> list[Problem]:
    problems = required(address.line1, f"{path}.line1")
    problems += required(address.city, f"{path}.city")
    if address.state.strip().upper() != "CA":
        problems.append(Problem(f"{path}.state", "must be CA: CAIR enrolls California sites"))
    if not is_california_zip(address.zip):
        problems.append(Problem(f"{path}.zip", "not a California ZIP code (900xx to 961xx)"))
    return problems


def check_contacts(
    contacts: Contacts, *, vfc_provider: bool | None, path: str = "contacts"
) -> list[Problem]:
    """``vfc_provider`` None: not known yet (the answers that say so are not read); the
    coordinator is named as required of a VFC provider then, so that answering brings no
    new problem."""
    problems: list[Problem] = []
    for role in ("primary", "technical", "vaccine_coordinator", "other"):
        contact = getattr(contacts, role)
        if contact is None:
            continue
        problems += required(contact.first_name, f"{path}.{role}.first_name")
        problems += required(contact.last_name, f"{path}.{role}.last_name")
        problems += email_problems(contact.email, f"{path}.{role}.email")
        if contact.phone and not is_us_phone(contact.phone):
            problems.append(
                Problem(
                    f"{path}.{role}.phone",
                    "must be a telephone number with area code, e.g. 510-555-0134",
                )
            )
    if not (contacts.primary.phone or "").strip():
        problems.append(
            Problem(f"{path}.primary.phone", "required: registry staff call the primary contact")
        )
    if vfc_provider is not False and contacts.vaccine_coordinator is None:
        problems.append(Problem(f"{path}.vaccine_coordinator", "required of a VFC provider"))
    return problems


def check_new_user(
    user: RequestedUser,
    *,
    access_level: AccessLevel | None,
    existing_emails: Iterable[str],
    path: str,
) -> list[Problem]:
    """One user's rules: names, e-mail, no duplicate in the organization, role within level.
    ``path`` is where the user is in the request ("" when it is the request)."""
    problems = required(user.first_name, at(path, "first_name"))
    problems += required(user.last_name, at(path, "last_name"))
    problems += email_problems(user.email, at(path, "email"))
    if user.email and normalize_email(user.email) in set(existing_emails):
        problems.append(
            Problem(at(path, "email"), "a user with this e-mail already exists in the organization")
        )
    if user.role not in ROLE_NAMES:
        problems.append(Problem(at(path, "role"), f"must be one of: {', '.join(ROLE_NAMES)}"))
    elif access_level is not None and not role_allowed(Role(user.role), access_level):
        allowed = ", ".join(r.value for r in Role if role_allowed(r, access_level))
        problems.append(
            Problem(
                at(path, "role"),
                f"{ROLE_LABELS[Role(user.role)]} exceeds what a "
                f"{ACCESS_LEVEL_LABELS[access_level]} organization allows (allowed: {allowed})",
            )
        )
    return problems


def check_provider_of_record(
    provider: ProviderOfRecord, *, administers: bool | None, path: str = "provider_of_record"
) -> list[Problem]:
    """The provider of record's rules, the enrollment's as an account change reads them: names;
    the license where the organization administers vaccines (``administers`` None: not known
    yet, so asked for); an NPI, if given, with a valid check digit."""
    problems = required(provider.first_name, at(path, "first_name"))
    problems += required(provider.last_name, at(path, "last_name"))
    if administers is not False:
        problems += required(
            provider.license_number,
            at(path, "license_number"),
            "required: the CA medical or pharmacist license number",
        )
        problems += required(
            provider.license_type,
            at(path, "license_type"),
            "required: the license type (e.g. MD, DO, NP, RPh)",
        )
    if provider.npi:
        if not npi_has_shape(provider.npi):
            problems.append(Problem(at(path, "npi"), "must be 10 digits starting with 1 or 2"))
        elif not npi_is_valid(provider.npi):
            problems.append(
                Problem(at(path, "npi"), "check digit does not match (not a valid NPI)")
            )
    return problems


def at(path: str, name: str) -> str:
    """The path of ``name`` inside ``path`` ("" is the request itself)."""
    return f"{path}.{name}" if path else name


def required(value: str | None, path: str, message: str = "required") -> list[Problem]:
    return [] if value and value.strip() else [Problem(path, message)]


def email_problems(value: str, path: str) -> list[Problem]:
    return [] if is_email(value) else [Problem(path, "not a valid e-mail address")]
