"""The new-site form described once: what an enrolled organization's representative tells of a
new site (cair.domain.new_site.NewSiteRequest), by the paths the request takes, so a problem the
rules name is shown beside its field. The organization's own facts are not asked: the service
fills them in from the account. Its parts are the account's and the enrollment form's own (the
addresses, the contacts, the user rows, the agreements, and for a Data Exchange organization the
IZ Portal's questions under ``data_exchange.``); reading a posted form is ``parse``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from cair.domain import limits
from cair.domain.request import STATE_PROGRAMS
from cair.web.pages import account_form, enrollment_form
from cair.web.pages.enrollment_dx_form import DX_ANCHORS, DX_LABELS, exchange
from cair.web.pages.enrollment_form import AGREEMENTS, USER_FIELDS, user_label
from cair.web.pages.enrollment_parsing import Parsed, user_rows
from cair.web.pages.form_fields import Field, Section, anchors, label_for, labels
from cair.web.pages.form_values import california, put_path, row_number, text_of, yes_no
from cair.web.pages.form_values import values as form_values

FORM_ID = "new-site-form"
SUPPLIED = "receives_state_supplied_vaccine"
PROGRAMS = "state_supplied_programs"
CONTACTS_FROM = "contacts_from"  # "organization" (the default) or "own"
OWN_CONTACTS = f"{CONTACTS_FROM}=own"
ACTIONS = ("review", "send", "change", "add_user")

SITE = Section(
    "site",
    "The new site",
    (
        Field("site_name", "Site name", required=True, max_length=limits.ORG_NAME),
        Field(
            "county",
            "County",
            kind="county",
            required=True,
            hint="The county of the site's street address: it decides who reviews the request.",
        ),
    ),
)
_INFO = {s.path: s for s in account_form.SECTIONS}
ADDRESSES = tuple(_INFO[path] for path in account_form.ADDRESSES)
VFC_PIN = replace(account_form.VFC_PIN.fields[0], shown_if=f"{SUPPLIED}=yes")
_ENROLLMENT = {s.path: s for s in enrollment_form.SECTIONS}
# The site's own contacts, asked only when it does not share the organization's.
CONTACTS = tuple(
    replace(
        _ENROLLMENT[f"contacts.{kind}"],
        shown_if=OWN_CONTACTS,
        required_if=OWN_CONTACTS if kind == "primary" else "",
        optional=kind != "primary",
    )
    for kind in enrollment_form.CONTACTS
)
FACTS = (f"{SUPPLIED}=yes", OWN_CONTACTS)
LABELS = (
    labels((SITE, *ADDRESSES, *CONTACTS))
    | {
        SUPPLIED: "State-supplied vaccine: Receives VFC, 317 or SGF vaccine",
        PROGRAMS: "State-supplied vaccine: Programs",
        VFC_PIN.path: "State-supplied vaccine: VFC PIN",
        "contacts": "Contacts",
        "users": "Users",
        "agreements": "Agreements",
    }
    | {k: v for k, v in enrollment_form.LABELS.items() if k.startswith("agreements.")}
    | DX_LABELS
)


def label(path: str) -> str:
    return user_label(path) or label_for(path, LABELS)


def known_anchors(user_rows: int, *, own_contacts: bool, data_exchange: bool) -> dict[str, str]:
    """Every path the form shows a problem beside, with its element's id, in the page's order
    (account_new_site.html); a problem of any other path is shown at the form's top, and one of
    the organization's contacts (not shown) beside the choice of contacts."""

    def own(*paths: str) -> dict[str, str]:
        return {path: "f-" + path.replace(".", "-") for path in paths}

    known = anchors(SITE, *ADDRESSES) | own(SUPPLIED, PROGRAMS, VFC_PIN.path)
    known["contacts"] = "s-contacts"
    if own_contacts:
        known |= anchors(*CONTACTS)
    if data_exchange:
        known |= DX_ANCHORS
    known["users"] = "s-users"
    for row in range(user_rows):
        known[f"users.{row}"] = f"f-users-{row}"
        known |= {f"users.{row}.{name}": f"f-users-{row}-{name}" for name in USER_FIELDS}
    known["agreements"] = "s-agreements"
    return known | own(*(f"agreements.{key}" for key, _ in AGREEMENTS))


def _part(form: Mapping[str, Any], section: Section, *, required: bool) -> dict[str, str] | None:
    """A section's answers (a state typed "Calif." read as CA); a blank optional one is left
    out, a blank required one sent empty so each of its fields is named as missing."""
    given = {f.path.removeprefix(section.path + "."): text_of(form, f.path) for f in section.fields}
    found = {k: california(v) if k == "state" else v for k, v in given.items() if v is not None}
    return found if found or required else None


def parse(form: Any, *, data_exchange: bool) -> Parsed:
    """The posted form (a Starlette FormData) as a new site's request; with the button pressed
    ("review" unless another) and a user row to remove."""
    data: dict[str, Any] = {}
    for f in SITE.fields:
        if (value := text_of(form, f.path)) is not None:
            data[f.path] = value
    for section in ADDRESSES:
        if (found := _part(form, section, required=not section.optional)) is not None:
            data[section.path] = found
    supplied = yes_no(form, SUPPLIED)
    if supplied is not None:
        data[SUPPLIED] = supplied
    programs = [p for p in form.getlist(PROGRAMS) if p]
    if programs and supplied is not False:
        data[PROGRAMS] = programs[: len(STATE_PROGRAMS) + 1]
    if supplied is not False and (pin := text_of(form, VFC_PIN.path)) is not None:
        data[VFC_PIN.path] = pin
    if form.get(CONTACTS_FROM) == "own":
        for section in CONTACTS:
            if (found := _part(form, section, required=not section.optional)) is not None:
                put_path(data, section.path, found)
    if data_exchange:
        data["data_exchange"] = exchange(form)
    data["agreements"] = {key: form.get(f"agreements.{key}") == "yes" for key, _ in AGREEMENTS}
    return _with_users(form, data)


def _with_users(form: Any, data: dict[str, Any]) -> Parsed:
    """The user rows, as the enrollment form reads them: blank rows are dropped only when the
    form is sent on, a row added or removed by its button."""
    rows = user_rows(form)
    action = str(form.get("action", "review"))
    remove: int | None = None
    if action.startswith("remove_user:"):
        remove, action = row_number(action.removeprefix("remove_user:")), "remove_user"
    elif action not in ACTIONS:
        action = "review"
    if action in ("review", "send"):
        rows = [r for r in rows if any(r.values())]
    data["users"] = [{k: v for k, v in row.items() if v} for row in rows]
    stray = any(
        row_number(k.split(".")[1]) is None for k in form if k.startswith("users.") and "." in k[6:]
    )
    return Parsed(data=data, action=action, remove_index=remove, stray_rows=stray)


def values(data: Mapping[str, Any]) -> dict[str, Any]:
    """A new site's request → form values by path: the programs as one list (checkboxes), and
    whose contacts it has (its own only when it names them)."""
    found = form_values(data)
    found = {k: v for k, v in found.items() if not k.startswith(PROGRAMS + ".")}
    found[PROGRAMS] = [str(p) for p in data.get(PROGRAMS) or ()]
    found[CONTACTS_FROM] = "own" if data.get("contacts") else "organization"
    return found
