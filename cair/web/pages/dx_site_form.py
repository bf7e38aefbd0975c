"""The IZ Portal's site registration form, described once: its sections fill the fields of a
:class:`~cair.domain.dx_registration.SiteRegistration` by dotted path, so a problem the rules
name is shown next to its field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cair.domain import limits
from cair.web.pages.form_fields import Field, Section, address, anchors, contact, labels
from cair.web.pages.form_values import california, fact, put_path
from cair.web.pages.form_values import values as form_values

ROLE_CHOICES = (
    ("1", "Role 1: sends directly from its own EHR"),
    ("2", "Role 2: sends through a Sending Facility"),
    ("3", "Role 3: is a Sending Facility for several sites"),
)
# A message's acknowledgement code (MSA-1) in words.
ACK_WORDS = {"AA": "accepted", "AE": "accepted with errors", "AR": "rejected"}
YES_NO = ("clinical", "ehr.certified", "ehr.hl7_capable", "bidirectional")
CLINICAL = "clinical=yes"
THROUGH_A_FACILITY = "role=2"

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
            hint="Only the counties whose sites exchange data with CAIR directly (CAIR 7) are "
            "listed; a site elsewhere exchanges data through its local registry.",
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
    hint="A clinical site names its lead clinician.",
    shown_if=CLINICAL,
    required_if=CLINICAL,
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
        Field("role", "Site role", kind="radios", options=ROLE_CHOICES, required=True),
        Field(
            "sending_facility_id",
            "Sending Facility Site ID",
            required=True,
            max_length=limits.CHOICE,
            width="short",
            hint="Role 2 only: the Site ID of the Sending Facility, e.g. CA100007-01.",
            shown_if=THROUGH_A_FACILITY,
            required_if=THROUGH_A_FACILITY,
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
    "bidirectional": "Bidirectional (queries CAIR)",
}
FACTS = (CLINICAL, THROUGH_A_FACILITY)
# Every path the form shows a problem beside, with its element's id, in the page's order
# (account_dx_site_new.html); the rest at the form's top.
ANCHORS = (
    anchors(SITE, SECTIONS[1])
    | {"clinical": "f-clinical"}
    | anchors(LEAD, SECTIONS[3], EHR)
    | {"ehr.certified": "f-ehr-certified", "ehr.hl7_capable": "f-ehr-hl7_capable"}
    | anchors(SECTIONS[5], ROLE)
    | {"bidirectional": "f-bidirectional"}
    | {"agreement": "s-agreement", "agreement.accepted": "f-agreement-accepted"}
    | anchors(AGREEMENT)
)
FORM_ID = "site-form"


def parse(form: Mapping[str, Any]) -> dict[str, Any]:
    """The posted form as a registration request. Blank optional parts are left out, and so
    are parts the answers rule out (a lead clinician of a site that is not clinical); a
    required part sent blank is sent empty, so each of its fields is named as missing."""
    answers = {name: str(form.get(name, "")) for name in ("clinical", "role")}
    data: dict[str, Any] = {}
    for section in SECTIONS:
        if section.shown_if and fact(answers, section.shown_if) is False:
            continue
        shown = [
            f for f in section.fields if not f.shown_if or fact(answers, f.shown_if) is not False
        ]
        given = {f.path: str(form.get(f.path, "")).strip() for f in shown}
        required = not section.required_if or fact(answers, section.required_if) is True
        if not any(given.values()) and (section.optional or not required):
            continue
        if section.path != SITE.path and section.path != ROLE.path:
            put_path(data, section.path, {})
        for path, value in given.items():
            if value:
                put_path(data, path, california(value) if path.endswith(".state") else value)
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
