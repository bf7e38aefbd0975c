"""The IZ Portal's site registration form, described once: its sections fill the fields of a
:class:`~cair.domain.dx_registration.SiteRegistration` by dotted path, so a problem the rules
name is shown next to its field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cair.domain import limits
from cair.web.pages.form_fields import Field, Section, address, contact, labels
from cair.web.pages.form_values import put_path
from cair.web.pages.form_values import values as form_values

ROLE_CHOICES = (
    ("1", "Role 1: sends directly from its own EHR"),
    ("2", "Role 2: sends through a Sending Facility"),
    ("3", "Role 3: is a Sending Facility for several sites"),
)
YES_NO = ("clinical", "ehr.certified", "ehr.hl7_capable")

SITE = Section(
    "site",
    "The site",
    (
        Field("site_name", "Site name", required=True, max_length=limits.ORG_NAME),
        Field(
            "county",
            "County",
            kind="county",
            required=True,
            hint="Sites in the online (CAIR 7) counties register here.",
        ),
        Field(
            "main_site_id",
            "Main site id",
            max_length=limits.CHOICE,
            width="short",
            hint="Only when your organization already has five sites registered: the site "
            "id of its main site, to add this one under it.",
        ),
    ),
)
LEAD = Section(
    "lead_clinician",
    "Lead clinician",
    (
        Field(
            "lead_clinician.first_name", "First name", required=True, max_length=limits.PERSON_NAME
        ),
        Field(
            "lead_clinician.last_name", "Last name", required=True, max_length=limits.PERSON_NAME
        ),
        Field(
            "lead_clinician.license_number",
            "California medical license number",
            required=True,
            max_length=limits.LICENSE_NUMBER,
            width="short",
            hint="e.g. A123456",
        ),
    ),
    optional=True,
    hint="A clinical site names its lead clinician.",
)
EHR = Section(
    "ehr",
    "Electronic health record (EHR)",
    (
        Field("ehr.name", "EHR name", required=True, max_length=limits.ORG_NAME),
        Field("ehr.version", "Version", required=True, max_length=limits.CHOICE, width="short"),
        Field("ehr.vendor", "Vendor", required=True, max_length=limits.ORG_NAME),
    ),
)
ROLE = Section(
    "role",
    "How the site's messages reach CAIR",
    (
        Field("role", "Site role", kind="select", options=ROLE_CHOICES, required=True),
        Field(
            "sending_facility_id",
            "Sending Facility id",
            max_length=limits.CHOICE,
            width="short",
            hint="Role 2 only: the facility that sends for you, e.g. SF-001728.",
        ),
    ),
)
AGREEMENT = Section(
    "agreement",
    "Access and confidentiality agreement",
    (
        Field(
            "agreement.representative_name",
            "Your name",
            required=True,
            autocomplete="name",
            max_length=limits.ORG_NAME,
        ),
        Field(
            "agreement.representative_title",
            "Your title",
            required=True,
            autocomplete="organization-title",
            max_length=limits.ORG_NAME,
        ),
    ),
)
SECTIONS: tuple[Section, ...] = (
    SITE,
    address("physical_address", "Street address of the site"),
    LEAD,
    contact("site_contact", "Site contact"),
    EHR,
    contact("exchange_contact", "Data exchange or vendor contact"),
    ROLE,
    AGREEMENT,
)
LABELS = labels(SECTIONS) | {
    "clinical": "Clinical site",
    "ehr.certified": "EHR: certified",
    "ehr.hl7_capable": "EHR: HL7 capable",
    "agreement.accepted": "Agreement: accepted",
}


def parse(form: Mapping[str, Any]) -> dict[str, Any]:
    """The posted form as a registration request (blank optional parts left out)."""
    data: dict[str, Any] = {}
    for section in SECTIONS:
        given = {f.path: str(form.get(f.path, "")).strip() for f in section.fields}
        if section.optional and not any(given.values()):
            continue
        for path, value in given.items():
            if value:
                put_path(data, path, value)
    for path in YES_NO:
        answer = {"yes": True, "no": False}.get(str(form.get(path, "")))
        if answer is not None:
            put_path(data, path, answer)
    if "role" in data and str(data["role"]).isdigit():
        data["role"] = int(data["role"])
    accepted = form.get("agreement.accepted") == "yes"
    data.setdefault("agreement", {})["accepted"] = accepted
    return data


def values(data: Mapping[str, Any]) -> dict[str, Any]:
    """Request data → form values by dotted path (yes/no for the questions)."""
    return form_values(data)
