"""Rules of one part of a request — an address, a set of contacts, a new user, a VFC PIN —
shared by enrollment validation and account changes, so a rule reads the same in both."""

from __future__ import annotations

from collections.abc import Iterable

from cair.domain.access import ACCESS_LEVEL_LABELS, AccessLevel, Role, role_allowed
from cair.domain.identifier_checks import (
    is_california_zip,
    is_email,
    is_us_phone,
    is_vfc_pin,
    normalize_email,
)
from cair.domain.problems import Problem
from cair.domain.request import ROLE_NAMES, Address, Contacts, Organization, RequestedUser
from cair.domain.text import quoted


def is_vfc_provider(organization: Organization) -> bool:
    return vfc_provider(
        organization.receives_state_supplied_vaccine, organization.state_supplied_programs
    )


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
        problems.append(
            Problem(f"{path}.zip", f"{quoted(address.zip)} is not a California ZIP code")
        )
    return problems


def check_contacts(
    contacts: Contacts, *, vfc_provider: bool, path: str = "contacts"
) -> list[Problem]:
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
    if vfc_provider and contacts.vaccine_coordinator is None:
        problems.append(Problem(f"{path}.vaccine_coordinator", "required of a VFC provider"))
    return problems


def check_new_user(
    user: RequestedUser,
    *,
    access_level: AccessLevel | None,
    existing_emails: Iterable[str],
    path: str,
) -> list[Problem]:
    """One user's rules: names, e-mail, no duplicate in the organization, role within level."""
    problems = required(user.first_name, f"{path}.first_name")
    problems += required(user.last_name, f"{path}.last_name")
    problems += email_problems(user.email, f"{path}.email")
    if normalize_email(user.email) in set(existing_emails):
        problems.append(
            Problem(f"{path}.email", "a user with this e-mail already exists in the organization")
        )
    if user.role not in ROLE_NAMES:
        problems.append(
            Problem(
                f"{path}.role",
                f"unknown role {quoted(user.role)} (one of: {', '.join(ROLE_NAMES)})",
            )
        )
    elif access_level is not None and not role_allowed(Role(user.role), access_level):
        allowed = ", ".join(r.value for r in Role if role_allowed(r, access_level))
        problems.append(
            Problem(
                f"{path}.role",
                f"role {quoted(user.role)} exceeds what a {ACCESS_LEVEL_LABELS[access_level]} "
                f"organization allows (allowed: {allowed})",
            )
        )
    return problems


def required(value: str | None, path: str, message: str = "required") -> list[Problem]:
    return [] if value and value.strip() else [Problem(path, message)]


def email_problems(value: str, path: str) -> list[Problem]:
    return (
        [] if is_email(value) else [Problem(path, f"{quoted(value)} is not a valid e-mail address")]
    )
