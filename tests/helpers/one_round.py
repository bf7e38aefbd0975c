"""Requests with nothing in them, and with every rule broken at once, and the fields one answer
must name for each: the domain tests and the API tests send the same ones."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers.examples import example
from tests.helpers.paths import EXAMPLES

SECRET = "ZQ-not-to-be-echoed-QZ"

# The empty request: every required field, and every requirement of a yes/no question not
# answered yet (provider of record, VFC PIN and coordinator), named with its condition.
EMPTY_ENROLLMENT = {
    "organization.name",
    "organization.type",
    "organization.county",
    "organization.physical_address.line1",
    "organization.physical_address.city",
    "organization.physical_address.state",
    "organization.physical_address.zip",
    "organization.receives_state_supplied_vaccine",
    "organization.vfc_pin",
    "provider_of_record",
    "contacts.primary.first_name",
    "contacts.primary.last_name",
    "contacts.primary.email",
    "contacts.primary.phone",
    "contacts.vaccine_coordinator",
    "access.administers_vaccines",
    "access.submits_electronically",
    "access.enters_historical_doses",
    "users",
    "agreements.user_access_agreement",
    "agreements.patient_notice_acknowledged",
}


def blank_form() -> dict[str, Any]:
    """What the enrollment page sends for an untouched form after the eligibility check: the
    access answers given, everything else blank, one user row, boxes unticked."""
    return {
        "organization": {
            "name": None,
            "type": None,
            "county": None,
            "physical_address": {"line1": None, "city": None, "state": "CA", "zip": None},
            "receives_state_supplied_vaccine": None,
        },
        "contacts": {
            "primary": {"first_name": None, "last_name": None, "email": None, "phone": None}
        },
        "access": {
            "administers_vaccines": True,
            "submits_electronically": False,
            "enters_historical_doses": False,
        },
        "users": [{"first_name": None, "last_name": None, "email": None, "role": None}],
        "agreements": {"user_access_agreement": False, "patient_notice_acknowledged": False},
    }


BLANK_FORM = {
    "organization.name",
    "organization.type",
    "organization.county",
    "organization.physical_address.line1",
    "organization.physical_address.city",
    "organization.physical_address.zip",
    "organization.receives_state_supplied_vaccine",
    "organization.vfc_pin",
    "provider_of_record",
    "contacts.primary.first_name",
    "contacts.primary.last_name",
    "contacts.primary.email",
    "contacts.primary.phone",
    "contacts.vaccine_coordinator",
    "users.0.first_name",
    "users.0.last_name",
    "users.0.email",
    "users.0.role",
    "agreements.user_access_agreement",
    "agreements.patient_notice_acknowledged",
}


def every_enrollment_rule_broken() -> dict[str, Any]:
    data = example("clinic")
    org = data["organization"]
    org.update(name="  ", type=f"veterinary {SECRET}", county=SECRET, vfc_pin="12")
    org["physical_address"].update(state="NV", zip="89501")
    org["mailing_address"] = "PO Box 1"
    org["website"] = SECRET
    data["provider_of_record"].update(npi="1234567890", license_number=None)
    data["contacts"]["primary"].update(email=SECRET, phone="555")
    data["contacts"]["vaccine_coordinator"] = None
    data["users"][0]["role"] = "admin"
    data["users"][2]["email"] = data["users"][1]["email"].upper()
    data["agreements"] = {"user_access_agreement": False, "patient_notice_acknowledged": False}
    return data


EVERY_ENROLLMENT_RULE = {
    "organization.name",
    "organization.type",
    "organization.county",
    "organization.vfc_pin",
    "organization.physical_address.state",
    "organization.physical_address.zip",
    "organization.mailing_address",
    "organization.website",
    "provider_of_record.npi",
    "provider_of_record.license_number",
    "contacts.primary.email",
    "contacts.primary.phone",
    "contacts.vaccine_coordinator",
    "users.0.role",
    "users.2.email",
    "agreements.user_access_agreement",
    "agreements.patient_notice_acknowledged",
}


def dx_registration(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "dx-site-registration.json").read_text())
    data.update(changes)
    return data


EMPTY_REGISTRATION = {
    "site_name",
    "county",
    "physical_address.line1",
    "physical_address.city",
    "physical_address.state",
    "physical_address.zip",
    "clinical",
    "lead_clinician",
    "site_contact.first_name",
    "site_contact.last_name",
    "site_contact.email",
    "ehr.name",
    "ehr.version",
    "ehr.vendor",
    "ehr.certified",
    "ehr.hl7_capable",
    "exchange_contact.first_name",
    "exchange_contact.last_name",
    "exchange_contact.email",
    "role",
    "agreement.accepted",
    "agreement.representative_name",
    "agreement.representative_title",
}


def every_registration_rule_broken() -> dict[str, Any]:
    data = dx_registration(
        site_name=" ",
        county="San Diego",
        role=2,
        sending_facility_id="SF-999999",
        main_site_id="S999999",
        unknown=SECRET,
    )
    data["physical_address"].update(state="NV", zip="10001")
    data["lead_clinician"]["license_number"] = "12345"
    data["site_contact"]["email"] = SECRET
    data["exchange_contact"]["phone"] = "12"
    data["ehr"].update(hl7_capable=False, version="")
    data["agreement"].update(accepted=False, representative_name="")
    return data


EVERY_REGISTRATION_RULE = {
    "site_name",
    "county",
    "physical_address.state",
    "physical_address.zip",
    "lead_clinician.license_number",
    "site_contact.email",
    "exchange_contact.phone",
    "ehr.hl7_capable",
    "ehr.version",
    "sending_facility_id",
    "main_site_id",
    "agreement.accepted",
    "agreement.representative_name",
    "unknown",
}


EMPTY_NEW_USER = {"first_name", "last_name", "email", "role"}


def every_new_user_rule_broken(existing_email: str) -> dict[str, Any]:
    """Blank, too long, an address the organization has (other case), a role above Read-Only,
    a field that is not one."""
    return {
        "first_name": " ",
        "last_name": "x" * 81,
        "email": existing_email.upper(),
        "role": "power",
        "title": SECRET,
    }


EVERY_NEW_USER_RULE = {"first_name", "last_name", "email", "role", "title"}


def every_info_rule_broken() -> dict[str, Any]:
    return {
        "vfc_pin": "12",
        "physical_address": {"line1": " ", "city": "Eureka", "state": "NV", "zip": "10001"},
        "mailing_address": "PO Box 1",
        "contacts": {
            "primary": {"first_name": "A", "last_name": "B", "email": SECRET, "phone": "5"},
            "technical": {"first_name": "", "last_name": "T", "email": "t@x.example"},
        },
        "county": "Alameda",
    }


EVERY_INFO_RULE = {
    "vfc_pin",
    "physical_address.line1",
    "physical_address.state",
    "physical_address.zip",
    "mailing_address",
    "contacts.primary.email",
    "contacts.primary.phone",
    "contacts.technical.first_name",
    "county",
}


def every_correction_rule_broken(other_email: str) -> dict[str, Any]:
    return {"first_name": "Jo\x00", "last_name": "x" * 81, "email": other_email, "id": SECRET}


EVERY_CORRECTION_RULE = {"first_name", "last_name", "email", "id"}
