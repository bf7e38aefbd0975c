"""The IZ Portal's pages: a Data Exchange organization's representative registers sites and
follows each one (stage, what testing still needs, the last messages and ACKs); reviewers see
every site and approve production or send a site back. The same operations as the API, so the
rules and their words are the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cair.domain.contracts.data_exchange import DX_STAGE_WORDS, DxStage
from cair.domain.problems import InvalidRequest, Problem
from cair.operations import data_exchange, regions
from cair.operations.data_exchange import SiteView
from cair.operations.errors import OperationError
from cair.security.tokens import new_token
from cair.web.api.schemas import MessageBody
from cair.web.pages.dx_site_form import LABELS, ROLE_CHOICES, SECTIONS, parse, values
from cair.web.pages.form_fields import Section, label_for
from cair.web.pages.identity import AdminPage, RepresentativePage, ReviewerPage
from cair.web.pages.rendering import context_of, redirect, render
from cair.web.pages.staff_console import refusal_words

router = APIRouter()
STAGES = {stage.value: words for stage, words in DX_STAGE_WORDS.items()}


@router.get("/account/{provider_id}/dx-sites", response_class=HTMLResponse)
async def sites(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    found = await data_exchange.sites_of(context_of(request), provider_id)
    return render(
        request,
        "account_dx_sites.html",
        title="Data exchange sites",
        provider_id=provider_id,
        sites=found,
    )


@router.get("/account/{provider_id}/dx-sites/new", response_class=HTMLResponse)
async def new_site(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    return _form(request, provider_id, shown={"role": "1"})


@router.post("/account/{provider_id}/dx-sites", response_class=HTMLResponse)
async def register(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    form = await request.form()
    data = parse(form)
    key = str(form.get("form_id", ""))[:64] or None  # sent twice, one site
    try:
        site = await data_exchange.register(context_of(request), who, data, key=key)
    except InvalidRequest as invalid:
        return _form(request, provider_id, shown=values(data), problems=invalid.problems)
    except OperationError as refused:
        problem = Problem("", str(refused))
        return _form(request, provider_id, shown=values(data), problems=[problem])
    return redirect(
        request,
        f"/account/{provider_id}/dx-sites",
        notice=f"Site {site.site_id} registered: its staging credentials follow by e-mail.",
    )


@dataclass(frozen=True)
class NewDxSitePage:
    """What account_dx_site_new.html reads: the site registration form, blank or sent back
    with its problems listed at the top and next to their fields."""

    provider_id: str
    sec: dict[str, Section]
    values: dict[str, Any]
    errors: dict[str, str]
    summary: list[tuple[str, str, str]]  # (anchor, label, message)
    counties: tuple[str, ...]
    roles: tuple[tuple[str, str], ...]
    form_id: str


def _form(
    request: Request, provider_id: str, *, shown: dict[str, Any], problems: Sequence[Problem] = ()
) -> Response:
    errors: dict[str, str] = {}
    summary: list[tuple[str, str, str]] = []
    sections = {s.path for s in SECTIONS}
    for p in problems:
        errors.setdefault(p.path, p.message)
        anchor = ("s-" if p.path in sections else "f-") + p.path.replace(".", "-")
        summary.append((anchor, label_for(p.path, LABELS), p.message))
    page = NewDxSitePage(
        provider_id=provider_id,
        sec={s.path: s for s in SECTIONS},
        values=shown,
        errors=errors,
        summary=summary,
        counties=regions.counties(),
        roles=ROLE_CHOICES,
        form_id=new_token()[:32],
    )
    title = ("Error: " if problems else "") + "Register a site for data exchange"
    status = 422 if problems else 200
    return render(request, "account_dx_site_new.html", page, status=status, title=title)


@dataclass(frozen=True)
class StaffDxSitesPage:
    """What staff_dx_sites.html reads: the sites at one stage (or at every stage), each with a
    link to its onboarding workflow."""

    sites: list[SiteView]
    stage: str
    stages: dict[str, str]
    workflow_url: dict[str, str]
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
    )
    return render(request, "staff_dx_sites.html", page, title="Data exchange sites")


@router.post("/staff/dx-sites/{site_id}/credentials/{environment}", response_class=HTMLResponse)
async def reissue(site_id: str, environment: str, staff: AdminPage, request: Request) -> Response:
    back = "/staff/dx-sites?stage=all"
    try:
        await data_exchange.reissue(context_of(request), site_id, environment, staff)
    except OperationError as refused:
        return redirect(request, back, notice=f"Not done: {refusal_words(refused)}")
    notice = (
        f"New {environment} credentials for {site_id}: the old password no longer works; "
        "the representative has a new link."
    )
    return redirect(request, back, notice=notice)


@router.post("/staff/dx-sites/{site_id}/{decision}", response_class=HTMLResponse)
async def decide(site_id: str, decision: str, staff: ReviewerPage, request: Request) -> Response:
    form = await request.form()
    back = "/staff/dx-sites"
    try:
        if decision == "approve":
            await data_exchange.decide(context_of(request), site_id, staff, approve=True)
            notice = f"{site_id} approved: its production credentials are e-mailed."
        elif decision == "send-back":
            body = MessageBody.model_validate({"message": str(form.get("message", ""))})
            await data_exchange.decide(
                context_of(request), site_id, staff, approve=False, message=body.message
            )
            notice = f"{site_id} sent back to testing; its representative has the message."
        else:
            return redirect(request, back, notice="No such decision.")
    except (ValidationError, OperationError) as refused:
        return redirect(request, back, notice=f"Not done: {refusal_words(refused)}")
    return redirect(request, back, notice=notice)
