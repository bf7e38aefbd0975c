"""The organization's own forms as they are drawn: its name, its provider of record, and the
page that asks once more before the organization or one site closes (with the reason the
organization closes). Page objects are typed; a refused form is drawn again by the same helper."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from cair.domain import limits
from cair.security.tokens import new_token
from cair.web.pages.form_fields import Field, Section, labels
from cair.web.pages.refusals import SummaryItem, summary
from cair.web.pages.rendering import render

NAME = Section(
    "name",
    "Organization name",
    (
        Field(
            "name",
            "Organization name",
            autocomplete="organization",
            required=True,
            max_length=limits.ORG_NAME,
        ),
    ),
)
PROVIDER = Section(
    "provider_of_record",
    "Provider of record",
    (
        Field("first_name", "First name", required=True, max_length=limits.PERSON_NAME),
        Field("last_name", "Last name", required=True, max_length=limits.PERSON_NAME),
        Field(
            "license_number",
            "CA medical or pharmacist license number",
            max_length=limits.LICENSE_NUMBER,
            hint="Required where the organization administers vaccines, e.g. A123456.",
        ),
        Field(
            "license_type",
            "License type",
            max_length=limits.LICENSE_TYPE,
            width="short",
            hint="e.g. MD, DO, NP, RPh.",
        ),
        Field("npi", "NPI (optional)", max_length=10, width="short", hint="Ten digits."),
    ),
    hint="Registry staff approve a new provider of record before it applies.",
)
PROVIDER_FIELDS = tuple(f.path for f in PROVIDER.fields)


@dataclass(frozen=True)
class OrganizationFormPage:
    """What account_org_form.html reads: one form of the organization's (its name, its
    provider of record), filled with today's values or what was sent back, and its problems."""

    account: dict[str, Any]
    heading: str
    lead: str
    action: str
    send: str
    sections: tuple[Section, ...]
    values: dict[str, str]
    errors: dict[str, str]
    summary: list[SummaryItem]
    form_id: str


@dataclass(frozen=True)
class ClosingPage:
    """What account_close.html reads: what closing the organization (or one site) does, asked
    once more; for the organization, the reason and its problem."""

    account: dict[str, Any]
    site: dict[str, Any] | None
    action: str
    reason: str
    errors: dict[str, str]
    summary: list[SummaryItem]
    form_id: str


def form_page(
    request: Request,
    shown: dict[str, Any],
    *,
    section: Section,
    heading: str,
    lead: str,
    path: str,
    send: str,
    values: Mapping[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    errors = errors or {}
    page = OrganizationFormPage(
        account=shown,
        heading=heading,
        lead=lead,
        action=f"/account/{shown['provider_id']}/{path}",
        send=send,
        sections=(section,),
        values=dict(values),
        errors=errors,
        summary=summary(errors, labels((section,)), lambda key: "f-" + key.replace(".", "-")),
        form_id=new_token()[:32],
    )
    title = ("Error: " if errors else "") + heading
    return render(request, "account_org_form.html", page, status=status, title=title)


def rename_page(
    request: Request, shown: dict[str, Any], values: Mapping[str, str], **more: Any
) -> Response:
    return form_page(
        request,
        shown,
        section=NAME,
        heading=f"Rename {shown['name']}",
        lead="The new name applies at once; the Provider ID and Site IDs stay as they are.",
        path="name",
        send="Rename the organization",
        values=values,
        **more,
    )


def provider_page(
    request: Request, shown: dict[str, Any], values: Mapping[str, str], **more: Any
) -> Response:
    return form_page(
        request,
        shown,
        section=PROVIDER,
        heading="Change the provider of record",
        lead="The provider of record answers for the vaccines the organization gives. Registry "
        "staff check the license and approve the change before it applies.",
        path="provider-of-record",
        send="Send for approval",
        values=values,
        **more,
    )


def closing_page(
    request: Request,
    shown: dict[str, Any],
    *,
    site: dict[str, Any] | None = None,
    reason: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    errors = errors or {}
    where = f"sites/{site['site_id']}/close" if site else "close"
    page = ClosingPage(
        account=shown,
        site=site,
        action=f"/account/{shown['provider_id']}/{where}",
        reason=reason,
        errors=errors,
        summary=summary(errors, {"reason": "Reason"}, lambda key: "f-" + key),
        form_id=new_token()[:32],
    )
    what = f"site {site['site_id']}" if site else shown["name"]
    title = ("Error: " if errors else "") + f"Close {what}?"
    return render(request, "account_close.html", page, status=status, title=title)
