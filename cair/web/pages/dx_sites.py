"""The IZ Portal's pages: a Data Exchange organization's representative registers sites (the
form, then its answers to check, then send) and follows each one (stage, what testing still
needs, the last messages and ACKs); reviewers see every site and approve production or send a
site back, each after a page that says what will happen. The same operations as the API, so
the rules and their words are the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cair.domain.contracts.data_exchange import DxStage
from cair.domain.counties import canonical_county
from cair.domain.problems import InvalidRequest, Problem
from cair.operations import data_exchange, dx_site_checks, facility_consents, regions
from cair.operations.data_exchange import SiteView
from cair.operations.errors import NotFound, OperationError
from cair.web.pages.answers import Group, hidden_fields, site_groups
from cair.web.pages.dx_site_form import (
    ACK_WORDS,
    ANCHORS,
    FACTS,
    FORM_ID,
    LABELS,
    ROLE_CHOICES,
    SECTIONS,
    parse,
    values,
)
from cair.web.pages.form_fields import Section, label_for, summarize
from cair.web.pages.form_values import fact, form_id_of
from cair.web.pages.identity import RepresentativePage, ReviewerPage
from cair.web.pages.rendering import context_of, redirect, render
from cair.web.pages.staff_dx_decisions import router as decisions

router = APIRouter()
router.include_router(decisions)
STAGES = {stage.value: stage for stage in DxStage}
REGISTER_TITLE = "Register a site for data exchange"


@router.get("/account/{provider_id}/dx-sites", response_class=HTMLResponse)
async def sites(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    ctx = context_of(request)
    found = await data_exchange.sites_of(ctx, provider_id)
    consents = await facility_consents.of_organization(ctx, provider_id)
    return render(
        request,
        "account_dx_sites.html",
        title="Data exchange sites",
        provider_id=provider_id,
        sites=found,
        roles=dict(ROLE_CHOICES),
        acks=ACK_WORDS,
        to_decide=consents.to_decide,
        asked={c.client_site_id: c for c in consents.asked},
    )


@router.post(
    "/account/{provider_id}/facility-consents/{site_id}/{decision}", response_class=HTMLResponse
)
async def decide_consent(
    provider_id: str, site_id: str, decision: str, who: RepresentativePage, request: Request
) -> Response:
    """Accept or refuse another organization's site as a client of a Sending Facility."""
    if decision not in ("accept", "refuse"):
        raise NotFound("decision: must be accept or refuse")
    done = await facility_consents.decide(
        context_of(request), who, site_id, accept=decision == "accept"
    )
    return redirect(
        request,
        f"/account/{provider_id}/dx-sites",
        notice=f"Site {done.client_site_id} of {done.client_organization}: {done.state} as a "
        f"client of {done.facility_site_id}.",
    )


@router.get("/account/{provider_id}/dx-sites/new", response_class=HTMLResponse)
async def new_site(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    return _form(request, provider_id, shown={}, form_id=form_id_of(""))


@router.post("/account/{provider_id}/dx-sites", response_class=HTMLResponse)
async def register(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    """One route for the form's three steps: "review" (the form sent: its answers to check),
    "change" (back to the form, every answer kept) and "send" (register the site)."""
    form = await request.form()
    data = parse(form)
    action = str(form.get("action", "review"))
    form_id = form_id_of(str(form.get("form_id", "")))  # sent twice, one site
    ctx = context_of(request)
    if action == "change":
        return _form(request, provider_id, shown=values(data), form_id=form_id)
    try:
        if action != "send":
            checked = await dx_site_checks.check_registration(ctx, who, data, key=form_id)
            groups = site_groups(checked, _where(request, checked.county))
            return _review(request, provider_id, data, groups, form_id)
        site = await data_exchange.register(ctx, who, data, key=form_id)
    except InvalidRequest as invalid:
        return _form(
            request, provider_id, shown=values(data), problems=invalid.problems, form_id=form_id
        )
    except OperationError as refused:
        problem = Problem("", str(refused))
        return _form(request, provider_id, shown=values(data), problems=[problem], form_id=form_id)
    return redirect(
        request,
        f"/account/{provider_id}/dx-sites",
        notice=f"Site {site.site_id} registered: its staging credentials follow by e-mail.",
    )


def _where(request: Request, county: str) -> str:
    """A county with its region's name: "Alameda (Bay Area)"."""
    canonical = canonical_county(county) or county
    try:
        region = regions.county_check(context_of(request), canonical).region
    except OperationError:
        return canonical
    return f"{canonical} ({region})"


@dataclass(frozen=True)
class NewDxSitePage:
    """What account_dx_site_new.html reads: the site registration form, blank or sent back
    with its problems listed at the top and next to their fields."""

    provider_id: str
    sec: dict[str, Section]
    values: dict[str, Any]
    errors: dict[str, str]
    summary: list[tuple[str, str, str]]  # (anchor, label, message)
    facts: dict[str, bool | None]
    counties: tuple[str, ...]
    form_id: str
    form_element: str = FORM_ID


def _form(
    request: Request,
    provider_id: str,
    *,
    shown: dict[str, Any],
    form_id: str,
    problems: Sequence[Problem] = (),
) -> Response:
    errors, summary = summarize(problems, ANCHORS, lambda p: label_for(p, LABELS), FORM_ID)
    page = NewDxSitePage(
        provider_id=provider_id,
        sec={s.path: s for s in SECTIONS},
        values=shown,
        errors=errors,
        summary=summary,
        facts={expr: fact(shown, expr) for expr in FACTS},
        counties=_online_counties(request),
        form_id=form_id,
    )
    title = ("Error: " if problems else "") + REGISTER_TITLE
    status = 422 if problems else 200
    return render(request, "account_dx_site_new.html", page, status=status, title=title)


def _online_counties(request: Request) -> tuple[str, ...]:
    """The counties a site may register in, so one elsewhere is told before anything is typed."""
    ctx = context_of(request)
    return tuple(c for c in regions.counties() if regions.county_check(ctx, c).enrolls_online)


@dataclass(frozen=True)
class DxSiteReviewPage:
    """What account_dx_site_review.html reads: the registration's answers in words, by group,
    each with its way back to the form, and every answer again as hidden fields."""

    provider_id: str
    groups: list[Group]
    hidden: list[tuple[str, str]]
    form_id: str


def _review(
    request: Request, provider_id: str, data: dict[str, Any], groups: list[Group], form_id: str
) -> Response:
    page = DxSiteReviewPage(
        provider_id=provider_id,
        groups=groups,
        hidden=hidden_fields(values(data)),
        form_id=form_id,
    )
    title = "Check the site's registration before you send it"
    return render(request, "account_dx_site_review.html", page, title=title)


@dataclass(frozen=True)
class StaffDxSitesPage:
    """What staff_dx_sites.html reads: the sites at one stage (or at every stage), each with a
    link to its onboarding workflow."""

    sites: list[SiteView]
    stage: str
    stages: dict[str, DxStage]
    workflow_url: dict[str, str]
    roles: dict[str, str]
    acks: dict[str, str]
    section: str = "dx"


@router.get("/staff/dx-sites", response_class=HTMLResponse)
async def review(
    staff: ReviewerPage, request: Request, stage: str = DxStage.READY_FOR_REVIEW.value
) -> Response:
    ctx = context_of(request)
    shown_stage = stage if stage in STAGES else None  # "all", or anything else: every stage
    found = await data_exchange.all_sites(ctx, stage=shown_stage)
    page = StaffDxSitesPage(
        sites=found,
        stage=shown_stage or "",
        stages=STAGES,
        workflow_url={s.site_id: ctx.settings.workflow_ui_url(s.workflow_id) for s in found},
        roles=dict(ROLE_CHOICES),
        acks=ACK_WORDS,
    )
    return render(request, "staff_dx_sites.html", page, title="Data exchange sites")
