"""The enrollment form: its fields, and the two translations a page needs — the posted form into
the request's JSON shape (validated by the same rules as the API), and a request back into form
values (to show what was entered, or to amend a request sent before)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cair.domain import limits
from cair.domain.access import ALLOWED_ROLES, ROLE_LABELS, AccessLevel, Role
from cair.domain.request import ORG_TYPES, STATE_PROGRAMS
from cair.web.pages.form_fields import Field, Section, address, contact, labels
from cair.web.pages.form_values import put_path, row_number, text_of, yes_no

ORG_TYPE_LABELS = {
    "healthcare_provider": "Healthcare provider (clinic, pharmacy, hospital, practice)",
    "school": "School",
    "childcare_facility": "Childcare facility",
    "wic_facility": "WIC facility",
    "foster_care_agency": "Foster Care agency",
}
assert set(ORG_TYPE_LABELS) == set(ORG_TYPES)

ROLE_OPTIONS = tuple((role.value, ROLE_LABELS[role]) for role in Role)
ROLE_HELP = {
    Role.READ_ONLY: "looks up records and prints immunization forms; no training needed",
    Role.REGULAR: "also adds patients and doses; trains before access opens",
    Role.POWER: "also manages inventory and reports; trains before access opens",
    Role.DX_QA: "checks a data-exchange interface's submissions (Data Exchange only)",
}

QUESTIONS = (
    ("administers_vaccines", "Does your site give vaccines?"),
    ("submits_electronically", "Will your EHR send doses to CAIR electronically (data exchange)?"),
    ("enters_historical_doses", "Will you enter doses given elsewhere (historical doses)?"),
)
AGREEMENTS = (
    (
        "user_access_agreement",
        "I have read the CAIR User Access Agreement and every user of this organization will "
        "follow it.",
    ),
    (
        "patient_notice_acknowledged",
        "Our patients (or their parents) are told that their immunization records are shared "
        "through CAIR, and that they may ask that they not be.",
    ),
)
USER_FIELDS = ("first_name", "last_name", "email", "role")
USER_FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "E-mail address",
    "role": "Role",
}

ORGANIZATION = Section(
    "organization",
    "Your organization",
    (
        Field(
            "organization.name",
            "Organization name",
            autocomplete="organization",
            required=True,
            max_length=limits.ORG_NAME,
        ),
        Field(
            "organization.county",
            "County",
            kind="county",
            required=True,
            hint="The county of the site's street address.",
        ),
    ),
)
SCHOOL = Section(
    "organization.school_district",
    "School district",
    (
        Field(
            "organization.school_district",
            "School district",
            required=True,
            max_length=limits.SCHOOL_DISTRICT,
        ),
    ),
    show_for=("school",),
)
CHILDCARE = Section(
    "organization.childcare_license_number",
    "Childcare license",
    (
        Field(
            "organization.childcare_license_number",
            "Childcare facility license number",
            required=True,
            max_length=limits.CHILDCARE_LICENSE,
            width="short",
        ),
    ),
    show_for=("childcare_facility",),
)
PROVIDER = Section(
    "provider_of_record",
    "Provider of record",
    (
        Field(
            "provider_of_record.first_name",
            "First name",
            required=True,
            max_length=limits.PERSON_NAME,
        ),
        Field(
            "provider_of_record.last_name",
            "Last name",
            required=True,
            max_length=limits.PERSON_NAME,
        ),
        Field(
            "provider_of_record.license_type",
            "License type",
            required=True,
            hint="MD, DO, NP, PA, RPh …",
            max_length=limits.LICENSE_TYPE,
            width="short",
        ),
        Field(
            "provider_of_record.license_number",
            "California license number",
            required=True,
            max_length=limits.LICENSE_NUMBER,
        ),
        Field(
            "provider_of_record.npi",
            "NPI (optional)",
            max_length=limits.NPI,
            width="short",
            hint="Ten digits.",
        ),
    ),
    optional=True,
    hint="The licensed clinician responsible for vaccines at this site. Required when the site "
    "gives vaccines.",
)
VACCINE = Section(
    "organization.vfc_pin",
    "State-supplied vaccine",
    (
        Field(
            "organization.vfc_pin",
            "VFC PIN",
            max_length=limits.VFC_PIN,
            width="short",
            hint="Six digits; VFC providers only.",
        ),
    ),
)
# The sections that fill fields of the organization object (other sections fill it too), so
# their fields are written one by one rather than as one object.
ORGANIZATION_PARTS = (ORGANIZATION.path, SCHOOL.path, CHILDCARE.path, VACCINE.path)

SECTIONS: tuple[Section, ...] = (
    ORGANIZATION,
    address("organization.physical_address", "Street address of the site"),
    address(
        "organization.mailing_address",
        "Mailing address",
        optional=True,
        hint="Leave blank if it is the street address.",
    ),
    address(
        "organization.vaccine_delivery_address",
        "Vaccine delivery address",
        optional=True,
        hint="Leave blank if vaccine is delivered to the street address.",
    ),
    SCHOOL,
    CHILDCARE,
    PROVIDER,
    VACCINE,
    contact(
        "contacts.primary",
        "Primary contact",
        hint="The person registry staff contact about this enrollment; the welcome e-mail "
        "goes to this address.",
    ),
    contact("contacts.vaccine_coordinator", "Vaccine coordinator", optional=True),
    contact(
        "contacts.technical",
        "Technical contact",
        optional=True,
        hint="For data exchange: who looks after your EHR's interface.",
    ),
    contact("contacts.other", "Other contact", optional=True),
)

LABELS = labels(SECTIONS) | {
    "organization.type": "Your organization: Type of organization",
    "organization.receives_state_supplied_vaccine": "State-supplied vaccine: Receives VFC, 317 "
    "or SGF vaccine",
    "organization.state_supplied_programs": "State-supplied vaccine: Programs",
    "access": "Access questions",
    "users": "Users",
    "agreements": "Agreements",
    **{f"access.{key}": f"Access questions: {text}" for key, text in QUESTIONS},
    **{f"agreements.{key}": "Agreements: " + text.split(" and ")[0] for key, text in AGREEMENTS},
}


def user_label(path: str) -> str | None:
    """``users.2.email`` → "User 3: E-mail address"."""
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] == "users" and parts[1].isdigit():
        what = USER_FIELD_LABELS.get(parts[2] if len(parts) > 2 else "", "")
        return f"User {int(parts[1]) + 1}" + (f": {what}" if what else "")
    return None


@dataclass(frozen=True)
class Parsed:
    """A posted form as request data, plus what the page should do with it."""

    data: dict[str, Any]
    action: str  # "submit", "add_user" or "remove_user"
    remove_index: int | None = None
    stray_rows: bool = False  # user fields whose row number no form of ours writes


def _section(form: Mapping[str, Any], section: Section) -> dict[str, Any] | None:
    values = {f.path: text_of(form, f.path) for f in section.fields}
    if section.optional and not any(values.values()):
        return None
    found: dict[str, Any] = {}
    for path, value in values.items():
        if value is not None:
            found[path.removeprefix(section.path + ".")] = value
    return found


def user_rows(form: Mapping[str, Any]) -> list[dict[str, str]]:
    """Each user row of the form, in order, blank rows kept (they may be added on purpose)."""
    numbers = {row_number(k.split(".")[1]) for k in form if k.startswith("users.") and "." in k[6:]}
    indexes = sorted(n for n in numbers if n is not None)[: limits.MAX_USERS_PER_REQUEST + 1]
    return [{f: text_of(form, f"users.{i}.{f}") or "" for f in USER_FIELDS} for i in indexes]


def parse(form: Any) -> Parsed:
    """The posted form (a Starlette FormData) as the request's JSON shape. Blank optional parts
    are left out, so they read as "not given", exactly as in the API."""
    data: dict[str, Any] = {}
    for section in SECTIONS:
        if section.path in ORGANIZATION_PARTS:
            for f in section.fields:
                value = text_of(form, f.path)
                if value is not None:
                    put_path(data, f.path, value)
            continue
        found = _section(form, section)  # a required part is always there, maybe empty
        if found is not None:
            put_path(data, section.path, found)
    org = data.setdefault("organization", {})
    if kind := text_of(form, "organization.type"):
        org["type"] = kind
    supplied = yes_no(form, "organization.receives_state_supplied_vaccine")
    if supplied is not None:
        org["receives_state_supplied_vaccine"] = supplied
    programs = [p for p in form.getlist("organization.state_supplied_programs") if p]
    if programs:
        org["state_supplied_programs"] = programs[: len(STATE_PROGRAMS) + 1]
    data["access"] = {
        key: answer for key, _ in QUESTIONS if (answer := yes_no(form, f"access.{key}")) is not None
    }
    data["agreements"] = {key: form.get(f"agreements.{key}") == "yes" for key, _ in AGREEMENTS}
    rows = user_rows(form)
    action = str(form.get("action", "submit"))
    remove: int | None = None
    if action.startswith("remove_user:"):
        remove = row_number(action.removeprefix("remove_user:"))
        action = "remove_user"
    elif action != "add_user":
        action = "submit"
    if action == "submit":  # blank rows are dropped only when the form is sent for real
        rows = [r for r in rows if any(r.values())]
    data["users"] = [{k: v for k, v in row.items() if v} for row in rows]
    stray = any(
        row_number(k.split(".")[1]) is None for k in form if k.startswith("users.") and "." in k[6:]
    )
    return Parsed(data=data, action=action, remove_index=remove, stray_rows=stray)


def user_count(data: Mapping[str, Any]) -> int:
    users = data.get("users")
    return len(users) if isinstance(users, list) else 0


def roles_allowed(level: AccessLevel | None) -> list[tuple[str, str, str]]:
    """The roles an access level allows: (value, label, what it does)."""
    allowed = ALLOWED_ROLES[level] if level else frozenset(Role)
    return [(r.value, ROLE_LABELS[r], ROLE_HELP[r]) for r in Role if r in allowed]
