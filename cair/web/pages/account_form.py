"""The site-information form of the account page: contacts, addresses and the VFC PIN, shown
with today's values. Only the parts a representative changed are sent, so the audit trail
records what changed and nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cair.domain import limits
from cair.web.pages.form_fields import Field, Section, address, contact, labels

CONTACT_KINDS = ("primary", "vaccine_coordinator", "technical", "other")
ADDRESSES = ("physical_address", "mailing_address", "vaccine_delivery_address")

VFC_PIN = Section(
    "vfc_pin",
    "State-supplied vaccine",
    (
        Field(
            "vfc_pin",
            "VFC PIN",
            max_length=limits.VFC_PIN,
            width="short",
            hint="Six digits; VFC providers only.",
        ),
    ),
    optional=True,
)
SECTIONS: tuple[Section, ...] = (
    address("physical_address", "Street address of the site"),
    address(
        "mailing_address",
        "Mailing address",
        optional=True,
        hint="Leave blank if it is the street address.",
    ),
    address(
        "vaccine_delivery_address",
        "Vaccine delivery address",
        optional=True,
        hint="Leave blank if vaccine is delivered to the street address.",
    ),
    VFC_PIN,
    contact("contacts.primary", "Primary contact"),
    contact("contacts.vaccine_coordinator", "Vaccine coordinator", optional=True),
    contact("contacts.technical", "Technical contact", optional=True),
    contact("contacts.other", "Other contact", optional=True),
)
LABELS = labels(SECTIONS)


def current(account: Mapping[str, Any]) -> dict[str, Any]:
    """Today's values, in the shape of an info update."""
    site = account.get("site") or {}
    found: dict[str, Any] = {name: site.get(name) for name in ADDRESSES}
    found["vfc_pin"] = site.get("vfc_pin")
    contacts = account.get("contacts") or {}
    found["contacts"] = {kind: contacts.get(kind) for kind in CONTACT_KINDS}
    return found


def _group(form: Mapping[str, Any], section: Section) -> dict[str, Any] | None:
    given = {}
    for f in section.fields:
        value = str(form.get(f.path, "")).strip()
        if value:
            given[f.path.removeprefix(section.path + ".")] = value
    if not given and section.optional:
        return None
    return given


def changes(form: Mapping[str, Any], today: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of the form that differ from today's values (an info update's fields)."""
    update: dict[str, Any] = {}
    for name in ADDRESSES:
        section = next(s for s in SECTIONS if s.path == name)
        posted = _group(form, section)
        if _differs(posted, today.get(name)):
            update[name] = posted
    pin = str(form.get("vfc_pin", "")).strip() or None
    if pin != (today.get("vfc_pin") or None) and pin is not None:
        update["vfc_pin"] = pin
    contacts = {}
    for kind in CONTACT_KINDS:
        section = next(s for s in SECTIONS if s.path == f"contacts.{kind}")
        contacts[kind] = _group(form, section)
    if any(_differs(contacts[k], (today.get("contacts") or {}).get(k)) for k in CONTACT_KINDS):
        update["contacts"] = {k: v for k, v in contacts.items() if v is not None}
    return update


def _differs(posted: dict[str, Any] | None, stored: Any) -> bool:
    stored_clean = {k: v for k, v in (stored or {}).items() if v not in (None, "")}
    return (posted or {}) != stored_clean
