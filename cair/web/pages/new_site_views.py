"""The new-site pages as they are drawn: the form (the organization's facts read-only at its top,
filled in from the account; the site's own asked), its answers to check, and the page that says
where the sent request went. A refused form is drawn again by the same helper, every problem
beside its field and every value kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from cair.domain.access import ACCESS_LEVEL_LABELS, ALLOWED_ROLES, ROLE_LABELS, AccessLevel, Role
from cair.domain.plain_words import words
from cair.domain.problems import Problem
from cair.domain.regions import LocalRepresentative
from cair.domain.stages import FOR_APPLICANTS, Stage
from cair.domain.validation import ValidEnrollment
from cair.operations import regions
from cair.operations.errors import OperationError
from cair.store.enrollments import EnrollmentView
from cair.web.pages import form_values, new_site_form
from cair.web.pages.answers import Group, Row, enrollment_groups, exchange_groups, hidden_fields
from cair.web.pages.enrollment_dx_form import DX, DX_FACTS, DX_SECTIONS
from cair.web.pages.enrollment_form import AGREEMENTS
from cair.web.pages.enrollment_parsing import user_count
from cair.web.pages.form_fields import Field, Section, summarize
from cair.web.pages.rendering import context_of, render

TITLE = "Enroll a new site"
# The enrollment's answer groups a new site has, with the part of its own form that asks each.
CHANGE = {
    "Addresses": "s-physical_address",
    "State-supplied vaccine": "s-vaccine",
    "Contacts": "s-contacts",
    "Users": "s-users",
    "Agreements": "s-agreements",
}


@dataclass(frozen=True)
class Organization:
    """The organization's facts a new site takes, in words (filled in from the account)."""

    provider_id: str
    name: str
    kind: str
    provider_of_record: str
    access_level: str
    contacts: tuple[str, ...]  # "Primary contact: Sam Okafor, sam@…"
    data_exchange: bool
    roles: tuple[tuple[str, str], ...]  # (value, label): those the access level allows


def organization(known: dict[str, Any]) -> Organization:
    """``known``: what ``new_sites.prefilled`` answers."""
    level = AccessLevel(known["access_level"])
    doctor = known.get("provider_of_record") or {}
    license_ = " ".join(x for x in (doctor.get("license_type"), doctor.get("license_number")) if x)
    named = " ".join(x for x in (doctor.get("first_name"), doctor.get("last_name")) if x)
    contacts = known.get("contacts") or {}
    return Organization(
        provider_id=known["provider_id"],
        name=known["organization"]["name"],
        kind=words("org_type", known["organization"]["type"]),
        provider_of_record=", ".join(x for x in (named, license_) if x) or "None on file",
        access_level=ACCESS_LEVEL_LABELS[level],
        contacts=tuple(
            f"{section.legend}: {c['first_name']} {c['last_name']}, {c['email']}"
            for section in new_site_form.CONTACTS
            if (c := contacts.get(section.path.removeprefix("contacts.")))
        ),
        data_exchange=level == AccessLevel.DATA_EXCHANGE,
        roles=tuple((r.value, ROLE_LABELS[r]) for r in Role if r in ALLOWED_ROLES[level]),
    )


@dataclass(frozen=True)
class NewSitePage:
    """What account_new_site.html reads: the form, blank or sent back with its problems, its
    parts following the answers given (``facts``)."""

    org: Organization
    site: Section
    addresses: tuple[Section, ...]
    vfc_pin: Field
    contacts: tuple[Section, ...]
    dx_sec: dict[str, Section]  # the IZ Portal's questions by their own path (Data Exchange)
    agreements: tuple[tuple[str, str], ...]
    counties: tuple[str, ...]
    values: dict[str, Any]
    errors: dict[str, str]
    summary: list[tuple[str, str, str]]  # (anchor, label, message)
    facts: dict[str, bool | None]
    opened: bool  # the other addresses start open (a value or a problem in them)
    user_rows: int
    form_id: str
    action: str
    form_element: str = new_site_form.FORM_ID


def form_page(
    request: Request,
    org: Organization,
    *,
    form_id: str,
    data: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    problems: Sequence[Problem] = (),
    status: int = 200,
) -> HTMLResponse:
    shown = values if values is not None else new_site_form.values(data or {})
    rows = user_count(data or {})
    known = new_site_form.known_anchors(
        rows,
        own_contacts=shown.get(new_site_form.CONTACTS_FROM) == "own",
        data_exchange=org.data_exchange,
    )
    errors, summary = summarize(problems, known, new_site_form.label, new_site_form.FORM_ID)
    facts = new_site_form.FACTS + (DX_FACTS if org.data_exchange else ())
    others = tuple(s.path for s in new_site_form.ADDRESSES[1:])
    page = NewSitePage(
        org=org,
        site=new_site_form.SITE,
        addresses=new_site_form.ADDRESSES,
        vfc_pin=new_site_form.VFC_PIN,
        contacts=new_site_form.CONTACTS,
        dx_sec={s.path.removeprefix(DX): s for s in DX_SECTIONS} if org.data_exchange else {},
        agreements=AGREEMENTS,
        counties=_counties(request, org),
        values=shown,
        errors=errors,
        summary=summary,
        facts={expr: form_values.fact(shown, expr) for expr in facts},
        opened=any(k.startswith(others) for k in (*(k for k, v in shown.items() if v), *errors)),
        user_rows=rows,
        form_id=form_id,
        action=f"/account/{org.provider_id}/sites",
    )
    title = ("Error: " if problems else "") + TITLE
    return render(request, "account_new_site.html", page, status=status, title=title)


def _counties(request: Request, org: Organization) -> tuple[str, ...]:
    """Every county; a Data Exchange site's only where sites exchange data with CAIR directly,
    as at the IZ Portal (elsewhere the local registry takes its data)."""
    every = regions.counties()
    if not org.data_exchange:
        return every
    ctx = context_of(request)
    return tuple(c for c in every if regions.county_check(ctx, c).enrolls_online)


def where(request: Request, county: str) -> str:
    """ "Fresno County (Central Valley)"."""
    try:
        region = regions.county_check(context_of(request), county).region
    except OperationError:
        return f"{county} County"
    return f"{county} County ({region})"


@dataclass(frozen=True)
class NewSiteReviewPage:
    """What account_new_site_review.html reads: every answer in words, grouped as the form asks
    them, each with its way back to the form; the answers ride along as hidden fields."""

    org: Organization
    groups: list[Group]
    hidden: list[tuple[str, str]]
    form_id: str
    action: str


def review_page(
    request: Request, org: Organization, valid: ValidEnrollment, data: dict[str, Any], form_id: str
) -> HTMLResponse:
    page = NewSiteReviewPage(
        org=org,
        groups=site_groups(valid, data, where(request, valid.county)),
        hidden=hidden_fields(new_site_form.values(data)),
        form_id=form_id,
        action=f"/account/{org.provider_id}/sites",
    )
    return render(request, "account_new_site_review.html", page, title="Check the new site")


def site_groups(valid: ValidEnrollment, data: dict[str, Any], place: str) -> list[Group]:
    """The enrollment's groups a new site has, the site's name and county first; its contacts
    said to be the organization's when it has none of its own."""
    site = valid.request.new_site
    assert site is not None
    found = [
        Group(
            "The new site", "s-site", (Row("Site name", (site.site_name,)), Row("County", (place,)))
        )
    ]
    for group in enrollment_groups(valid, place):
        if group.title not in CHANGE:
            continue
        rows = group.rows
        if group.title == "Contacts" and not data.get("contacts"):
            rows = (Row("Whose", ("The organization's, as on your account",)), *rows)
        if group.title == "Users" and not rows:
            rows = (Row("Users", ("None added: you can add users from your account later",)),)
        found.append(replace(group, change=CHANGE[group.title], rows=rows))
    exchange = valid.request.data_exchange
    return found + (exchange_groups(exchange, "data_exchange") if exchange else [])


@dataclass(frozen=True)
class SentPage:
    """What account_new_site_sent.html reads: the sent request's tracking id and where it went:
    registry staff's review, or the Local CAIR Representative of the site's county."""

    provider_id: str
    tracking_id: str
    stage: str
    stage_label: str
    next_step: str
    county: str
    place: str
    representative: LocalRepresentative | None
    status_url: str


def sent_page(request: Request, provider_id: str, view: EnrollmentView, token: str) -> HTMLResponse:
    stage = Stage(view.stage)
    label, next_step = FOR_APPLICANTS[stage]
    representative = None
    if stage == Stage.ROUTED_TO_LOCAL_REPRESENTATIVE:
        try:
            representative = regions.county_check(context_of(request), view.county).representative
        except OperationError:
            representative = None
    page = SentPage(
        provider_id=provider_id,
        tracking_id=view.id,
        stage=view.stage,
        stage_label=label,
        next_step=next_step,
        county=view.county,
        place=where(request, view.county),
        representative=representative,
        status_url=f"/status/{token}",
    )
    return render(request, "account_new_site_sent.html", page, title="Your new site was sent")
