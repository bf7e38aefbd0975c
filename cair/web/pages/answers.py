"""Check your answers: a request that passed every rule, read back in plain words and grouped as
the form asks it, before anything is sent. The answers ride along as hidden fields, so "Change"
and "Send" carry them back whole without a draft kept anywhere (and never in an address)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cair.domain.access import ACCESS_LEVEL_LABELS
from cair.domain.dx_answers import ExchangeAnswers
from cair.domain.dx_registration import SiteRegistration
from cair.domain.plain_words import words
from cair.domain.request import Address, Contact
from cair.domain.validation import ValidEnrollment
from cair.web.pages.dx_site_form import ROLE_CHOICES
from cair.web.pages.enrollment_form import QUESTIONS

SAME_AS_STREET = "Same as the street address"
# A site's answer to "will its EHR also query CAIR", as its list of sites says it.
QUERIES = {True: "Yes: bidirectional (Z34 history queries)", False: "No: sends updates only"}


@dataclass(frozen=True)
class Row:
    key: str
    lines: tuple[str, ...]  # the answer, a line each


@dataclass(frozen=True)
class Group:
    title: str
    change: str  # the id of the form's part that asks it
    rows: tuple[Row, ...]


def hidden_fields(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Form values (``form_values.values``) as hidden inputs: a list as one input an item."""
    found: list[tuple[str, str]] = []
    for name, value in values.items():
        items = value if isinstance(value, list) else [value]
        found.extend((name, str(item)) for item in items)
    return found


def yes_no(answer: bool) -> str:
    return "Yes" if answer else "No"


def address_lines(address: Address | None) -> tuple[str, ...]:
    if address is None:
        return ()
    first = (address.line1, address.line2) if address.line2 else (address.line1,)
    return (*first, f"{address.city}, {address.state.upper()} {address.zip}")


def contact_lines(contact: Contact | None) -> tuple[str, ...]:
    if contact is None:
        return ()
    name = f"{contact.first_name} {contact.last_name}"
    return (name, contact.email, *((contact.phone,) if contact.phone else ()))


def _rows(*pairs: tuple[str, tuple[str, ...]]) -> tuple[Row, ...]:
    """Rows of the answers given (a pair without lines is a question left blank)."""
    return tuple(Row(key, lines) for key, lines in pairs if lines)


def enrollment_groups(valid: ValidEnrollment, where: str) -> list[Group]:
    """``where``: the county with its region, "Alameda (Bay Area)"."""
    request, org = valid.request, valid.request.organization
    provider = request.provider_of_record
    contacts = request.contacts
    programs = ", ".join(p.upper() for p in org.state_supplied_programs or ())
    return [
        Group(
            "Your organization",
            "s-organization",
            _rows(
                ("Organization name", (org.name,)),
                ("Type of organization", (words("org_type", org.type),)),
                ("County", (where,)),
                ("School district", (org.school_district,) if org.school_district else ()),
                (
                    "Childcare facility license number",
                    (org.childcare_license_number,) if org.childcare_license_number else (),
                ),
            ),
        ),
        Group(
            "Addresses",
            "s-organization-physical_address",
            _rows(
                ("Street address of the site", address_lines(org.physical_address)),
                ("Mailing address", address_lines(org.mailing_address) or (SAME_AS_STREET,)),
                (
                    "Vaccine delivery address",
                    address_lines(org.vaccine_delivery_address) or (SAME_AS_STREET,),
                ),
            ),
        ),
        Group(
            "Access",
            "s-access",
            _rows(
                *((text, (yes_no(getattr(request.access, key)),)) for key, text in QUESTIONS),
                ("Access level", (ACCESS_LEVEL_LABELS[valid.access_level],)),
            ),
        ),
        Group(
            "Provider of record",
            "s-provider_of_record",
            _rows(
                ("Name", (f"{provider.first_name} {provider.last_name}",) if provider else ()),
                (
                    "License",
                    (" ".join(x for x in (provider.license_type, provider.license_number) if x),)
                    if provider
                    else (),
                ),
                ("NPI", (provider.npi,) if provider and provider.npi else ()),
            )
            or (Row("Provider of record", ("None given",)),),
        ),
        Group(
            "State-supplied vaccine",
            "s-vaccine",
            _rows(
                (
                    "Receives state-supplied vaccine",
                    (yes_no(org.receives_state_supplied_vaccine),),
                ),
                ("Programs", (programs,) if programs else ()),
                ("VFC PIN", (org.vfc_pin,) if org.vfc_pin else ()),
            ),
        ),
        Group(
            "Contacts",
            "s-contacts-primary",
            _rows(
                ("Primary contact", contact_lines(contacts.primary)),
                ("Vaccine coordinator", contact_lines(contacts.vaccine_coordinator)),
                ("Technical contact", contact_lines(contacts.technical)),
                ("Other contact", contact_lines(contacts.other)),
            ),
        ),
        Group(
            "Users",
            "s-users",
            tuple(
                Row(f"{u.first_name} {u.last_name}", (u.email, words("role", u.role)))
                for u in request.users
            ),
        ),
        Group(
            "Agreements",
            "s-agreements",
            (
                Row("CAIR User Access Agreement", ("Read; every user will follow it",)),
                Row("Immunization Registry Notice", ("Patients or parents are told",)),
            ),
        ),
    ]


def site_groups(site: SiteRegistration, where: str) -> list[Group]:
    return [
        Group(
            "The site",
            "s-site",
            _rows(
                ("Site name", (site.site_name,)),
                ("County", (where,)),
                ("Main site id", (site.main_site_id,) if site.main_site_id else ()),
            ),
        ),
        Group(
            "Street address",
            "s-physical_address",
            _rows(("Street address of the site", address_lines(site.physical_address))),
        ),
        *exchange_groups(site),
    ]


def exchange_groups(answers: ExchangeAnswers, under: str = "") -> list[Group]:
    """The IZ Portal's questions about a site, as a site registration asks them or (``under``
    ``data_exchange``) as the IZ Portal's enrollment asks them of its first site: "Change"
    goes back to the part of the form that asks it."""

    def part(anchor: str) -> str:
        kind, _, rest = anchor.partition("-")
        return f"{kind}-{under}-{rest}" if under else anchor

    lead = answers.lead_clinician
    role = dict(ROLE_CHOICES)[str(answers.role)]
    ehr = answers.ehr
    return [
        Group(
            "Clinical site",
            part("f-clinical"),
            _rows(
                ("Clinical site", (yes_no(answers.clinical),)),
                (
                    "Lead clinician",
                    (f"{lead.first_name} {lead.last_name}", f"License {lead.license_number}")
                    if lead
                    else (),
                ),
            ),
        ),
        Group(
            "Site contact",
            part("s-site_contact"),
            _rows(("Site contact", contact_lines(answers.site_contact))),
        ),
        Group(
            "Electronic health record (EHR)",
            part("s-ehr"),
            _rows(
                ("EHR", (f"{ehr.name} {ehr.version}", f"by {ehr.vendor}")),
                ("Certified (ONC)", (yes_no(ehr.certified),)),
                ("Sends HL7 v2.5.1 VXU messages", (yes_no(ehr.hl7_capable),)),
            ),
        ),
        Group(
            "Data exchange or vendor contact",
            part("s-exchange_contact"),
            _rows(("Contact", contact_lines(answers.exchange_contact))),
        ),
        Group(
            "How the site's messages reach CAIR",
            part("s-role"),
            _rows(
                ("Site role", (role,)),
                (
                    "Sending Facility",
                    (answers.sending_facility_id,) if answers.sending_facility_id else (),
                ),
            ),
        ),
        Group(
            "Immunization history queries",
            part("f-bidirectional"),
            _rows(("Queries CAIR (bidirectional)", (QUERIES[answers.bidirectional],))),
        ),
        Group(
            "Access and confidentiality agreement",
            part("s-agreement"),
            _rows(
                ("Agreement", ("Accepted for the organization",)),
                (
                    "Accepted by",
                    (answers.agreement.representative_name, answers.agreement.representative_title),
                ),
            ),
        ),
    ]
