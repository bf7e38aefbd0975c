"""The enrollment form described once: its sections and fields by the request paths they fill,
the answers they follow (facts: a school's district, a VFC provider's coordinator), their labels
for the error summary and the elements that show each path's problems. It has two doors (see
``Door``): the New Enrollment form, and the CAIR IZ Portal's enrollment, which also asks the IZ
Portal's questions about the first site's data exchange (``enrollment_dx_form``). Reading a
posted form is ``enrollment_parsing``."""

from __future__ import annotations

from dataclasses import dataclass

from cair.domain import limits
from cair.domain.access import ROLE_LABELS, Role
from cair.domain.request import ORG_TYPES
from cair.web.pages.enrollment_dx_form import DX_ANCHORS, DX_LABELS
from cair.web.pages.form_fields import Field, Section, address, anchors, contact, labels

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

# The first is the question of the real New Enrollment Page: it decides the door.
QUESTIONS = (
    (
        "submits_electronically",
        "Will this site submit immunization data electronically from its EHR?",
    ),
    ("administers_vaccines", "Does your site give vaccines?"),
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


@dataclass(frozen=True)
class Door:
    """Where an organization enrolls: the access answers the door settles (asked no more) and
    the ones its form still asks; only the IZ Portal's asks about data exchange."""

    name: str
    path: str
    fixed: tuple[tuple[str, bool], ...]
    asked: tuple[tuple[str, str], ...]
    data_exchange: bool

    def fixed_values(self) -> dict[str, str]:
        """The settled answers as form values (``access.…``: yes or no)."""
        return {f"access.{key}": "yes" if answer else "no" for key, answer in self.fixed}


GENERAL = Door(
    "general", "/enroll/form", (("submits_electronically", False),), QUESTIONS[1:], False
)
IZ_PORTAL = Door(
    "iz_portal",
    "/iz-portal/enroll",
    (("administers_vaccines", True), ("submits_electronically", True)),
    QUESTIONS[2:],
    True,
)

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
    hint="Schools only.",
    shown_if="organization.type=school",
    required_if="organization.type=school",
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
    hint="Childcare facilities only.",
    shown_if="organization.type=childcare_facility",
    required_if="organization.type=childcare_facility",
)
GIVES_VACCINES = "access.administers_vaccines=yes"
SUPPLIED = "organization.receives_state_supplied_vaccine=yes"
VFC = "vfc"
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
    hint="The licensed clinician responsible for vaccines at this site. Required when the site "
    "gives vaccines.",
    required_if=GIVES_VACCINES,
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
            required_if=VFC,
            shown_if=SUPPLIED,
        ),
    ),
    shown_if=SUPPLIED,
)
ADDRESSES = ("physical_address", "mailing_address", "vaccine_delivery_address")
CONTACTS = ("primary", "vaccine_coordinator", "technical", "other")
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
        phone_required=True,
    ),
    contact(
        "contacts.vaccine_coordinator",
        "Vaccine coordinator",
        hint="Who orders, stores and looks after the site's vaccine. Required of VFC providers.",
        required_if=VFC,
    ),
    contact(
        "contacts.technical",
        "Technical contact",
        optional=True,
        hint="For data exchange: who looks after your EHR's interface.",
    ),
    contact("contacts.other", "Other contact", optional=True),
)
# Answers the form follows (form_values.fact), each shown or required by them.
FACTS = (
    SCHOOL.shown_if,
    CHILDCARE.shown_if,
    GIVES_VACCINES,
    SUPPLIED,
    VFC,
)
LABELS = (
    labels(SECTIONS)
    | {
        "organization.type": "Your organization: Type of organization",
        "organization.receives_state_supplied_vaccine": "State-supplied vaccine: Receives VFC, 317 "
        "or SGF vaccine",
        "organization.state_supplied_programs": "State-supplied vaccine: Programs",
        "access": "Access questions",
        "users": "Users",
        "agreements": "Agreements",
        **{f"access.{key}": f"Access questions: {text}" for key, text in QUESTIONS},
        **{
            f"agreements.{key}": "Agreements: " + text.split(" and ")[0] for key, text in AGREEMENTS
        },
    }
    | DX_LABELS
)


def user_label(path: str) -> str | None:
    """``users.2.email`` → "User 3: E-mail address"."""
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] == "users" and parts[1].isdigit():
        what = USER_FIELD_LABELS.get(parts[2] if len(parts) > 2 else "", "")
        return f"User {int(parts[1]) + 1}" + (f": {what}" if what else "")
    return None


def known_anchors(user_rows: int, door: Door = GENERAL) -> dict[str, str]:
    """Every path the form shows a problem beside, with its element's id, in the page's order
    (enroll_form.html); a problem of any other path is shown at the form's top."""
    by_path = {s.path: s for s in SECTIONS}

    def own(*paths: str) -> dict[str, str]:
        return {path: "f-" + path.replace(".", "-") for path in paths}

    known = {ORGANIZATION.path: ORGANIZATION.id, ORGANIZATION.fields[0].path: "f-organization-name"}
    known |= own("organization.type", ORGANIZATION.fields[1].path)
    known |= anchors(SCHOOL, CHILDCARE)
    known |= anchors(*(by_path[f"organization.{a}"] for a in ADDRESSES))
    known |= {"access": "s-access"} | own(*(f"access.{key}" for key, _ in door.asked))
    known |= anchors(PROVIDER)
    known |= own(SUPPLIED.partition("=")[0], "organization.state_supplied_programs")
    known |= anchors(VACCINE)
    known |= anchors(*(by_path[f"contacts.{c}"] for c in CONTACTS))
    if door.data_exchange:
        known |= DX_ANCHORS
    known["users"] = "s-users"
    for row in range(user_rows):
        known[f"users.{row}"] = f"f-users-{row}"
        known |= {f"users.{row}.{name}": f"f-users-{row}-{name}" for name in USER_FIELDS}
    known["agreements"] = "s-agreements"
    return known | own(*(f"agreements.{key}" for key, _ in AGREEMENTS))
