"""The applicant's pages: who may enroll, which door (a site that will submit immunization data
electronically from its EHR enrolls at the CAIR IZ Portal, every other at the New Enrollment
form), where (the county check) and at which access level (the access questions), the
enrollment form and its answers to check before they are sent, the status page, and the
amendment form behind the changes-requested link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cair.domain.access import ACCESS_LEVEL_LABELS, AccessLevel, derive_access_level
from cair.domain.counties import canonical_county
from cair.domain.request import AccessAnswers
from cair.domain.stages import Stage
from cair.operations import applicant_links, applicant_views, enrollments, regions
from cair.operations.regions import CountyCheck
from cair.web.pages import enrollment_parsing
from cair.web.pages.enrollment_form import GENERAL, IZ_PORTAL, QUESTIONS, Door
from cair.web.pages.enrollment_pages import ENROLL_TITLE, form_page
from cair.web.pages.enrollment_steps import enrollment_step, form_step, new_form, start_answers
from cair.web.pages.form_values import form_id_of
from cair.web.pages.identity import visitor
from cair.web.pages.rendering import context_of, redirect, render

router = APIRouter()

DOOR_QUESTION = QUESTIONS[0]
# Stages past which the steps to data exchange no longer lie ahead.
ENDED = frozenset(
    {
        Stage.INVALID,
        Stage.REFUSED_DUPLICATE,
        Stage.ROUTED_TO_LOCAL_REPRESENTATIVE,
        Stage.REJECTED,
        Stage.EXPIRED,
    }
)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    await visitor(request)
    return render(request, "home.html", title="Enroll in CAIR and manage your account")


@dataclass(frozen=True)
class EnrollStartPage:
    """What enroll_start.html reads: the county and the access questions, blank or sent back
    with the answers given and what is missing."""

    values: dict[str, Any]
    errors: dict[str, str]
    questions: tuple[tuple[str, str], ...]
    counties: tuple[str, ...]


@router.get("/enroll", response_class=HTMLResponse)
async def start(request: Request) -> Response:
    """The county and the access questions; opened from "Change my answers", with them."""
    await visitor(request)
    given = start_answers(request)
    return render(request, "enroll_start.html", _check_form(given), title=ENROLL_TITLE)


@dataclass(frozen=True)
class EnrollCheckPage:
    """What enroll_check.html reads: where the organization enrolls (its county, and the
    door: the IZ Portal for a site that will submit electronically), at which access level and
    with which roles, and the answers to carry on (the query string of the form, and of the
    way back to change them)."""

    where: CountyCheck
    level: AccessLevel | None
    level_label: str | None
    roles: list[tuple[str, str, str]]
    form_query: str
    form_path: str
    iz_portal: bool


@router.get("/enroll/check", response_class=HTMLResponse)
async def check(request: Request) -> Response:
    """The door question, the county and the access answers, checked before the form (a GET:
    it changes nothing, and the answer can be bookmarked or shared). A site that will submit
    electronically needs no more answers: it gives vaccines, and the IZ Portal's form asks the
    rest."""
    query = request.query_params
    answers = {key: query.get(key) for key, _ in QUESTIONS}
    door_key = DOOR_QUESTION[0]
    electronic = answers[door_key] == "yes"
    county = (query.get("county") or "").strip()
    errors: dict[str, str] = {}
    if not county or canonical_county(county) is None:
        errors["county"] = "choose the county of your site's street address"
    for key, text in QUESTIONS[:1] if electronic else QUESTIONS:
        if answers[key] not in ("yes", "no"):
            errors[key] = f"answer yes or no: {text}"
    if errors:
        page = _check_form({"county": county, **answers}, _in_page_order(errors))
        return render(request, "enroll_start.html", page, status=422, title=ENROLL_TITLE)
    if electronic and answers["administers_vaccines"] not in ("yes", "no"):
        answers["administers_vaccines"] = "yes"  # it gives the vaccines it submits
    where = regions.county_check(context_of(request), county)
    level = derive_access_level(
        AccessAnswers(**{key: answers[key] == "yes" for key, _ in QUESTIONS})
    )
    given = {key: answer for key, answer in answers.items() if answer in ("yes", "no")}
    door = IZ_PORTAL if electronic else GENERAL
    checked = EnrollCheckPage(
        where=where,
        level=level,
        level_label=ACCESS_LEVEL_LABELS[level] if level else None,
        roles=enrollment_parsing.roles_allowed(level),
        form_query=urlencode({"county": where.county, **given}),
        form_path=door.path,
        iz_portal=door.data_exchange,
    )
    return render(request, "enroll_check.html", checked, title="Where and how you enroll")


def _in_page_order(errors: dict[str, str]) -> dict[str, str]:
    """The start page's problems as it asks: the door question, the county, the rest."""
    order = [DOOR_QUESTION[0], "county", *(key for key, _ in QUESTIONS[1:])]
    return {key: errors[key] for key in order if key in errors}


@router.get("/enroll/form", response_class=HTMLResponse)
async def form(request: Request) -> Response:
    """The New Enrollment form, with what the check already knows filled in."""
    return new_form(request, GENERAL)


@router.post("/enroll/form", response_class=HTMLResponse)
async def submit(request: Request) -> Response:
    """The form's steps, by its button: "review" (the default: the answers to check),
    "change" (back to the form from the check, every answer kept), a user row added or
    removed, and "send" — the only one that sends anything."""
    return await enrollment_step(request, GENERAL)


@router.get("/status/{token}", response_class=HTMLResponse)
async def status_page(token: str, request: Request) -> Response:
    ctx = context_of(request)
    enrollment_id = await applicant_links.enrollment_of_status_token(ctx, token)
    view, level = await applicant_views.applicant_view_and_level(ctx, enrollment_id)
    return render(
        request,
        "status.html",
        title=f"Enrollment {view.id}: {view.stage_label}",
        view=view,
        region=regions.region_names(ctx).get(view.region, view.region.replace("_", " ")),
        just_sent=request.query_params.get("sent") == "1",
        # A Data Exchange applicant is told the steps to data exchange while they lie ahead.
        dx_steps=level == AccessLevel.DATA_EXCHANGE and view.stage not in ENDED,
    )


@router.get("/enroll/amend/{token}", response_class=HTMLResponse)
async def amend_form(token: str, request: Request) -> Response:
    found = await applicant_links.amendment_form(context_of(request), token)
    return form_page(
        request,
        data=found.request,
        amending=found.enrollment_id,
        staff_message=found.message,
        form_id=form_id_of(""),
        door=_door_of(found.request),
    )


def _door_of(request_data: dict[str, Any]) -> Door:
    """The door a stored request came through (its electronic answer), so that correcting it
    asks what it asked: never chosen by what a form posts."""
    access = request_data.get("access")
    electronic = isinstance(access, dict) and access.get("submits_electronically") is True
    return IZ_PORTAL if electronic else GENERAL


@router.post("/enroll/amend/{token}", response_class=HTMLResponse)
async def amend(token: str, request: Request) -> Response:
    ctx = context_of(request)
    found = await applicant_links.amendment_form(ctx, token)
    door = _door_of(found.request)
    posted = await request.form()
    parsed = enrollment_parsing.parse(posted, door)

    async def send(data: dict[str, Any]) -> Response:
        await enrollments.amend(ctx, found.enrollment_id, data, token=token)
        status_token = await applicant_links.issue_status_token(ctx, found.enrollment_id)
        return redirect(
            request,
            f"/status/{status_token}",
            notice="Your corrected request was sent: it is back with registry staff for review.",
        )

    form_id = form_id_of(str(posted.get("form_id", "")))
    return await form_step(
        request,
        parsed,
        form_id,
        send,
        amending=found.enrollment_id,
        message=found.message,
        door=door,
    )


def _check_form(values: dict[str, Any], errors: dict[str, str] | None = None) -> EnrollStartPage:
    return EnrollStartPage(
        values=values, errors=errors or {}, questions=QUESTIONS, counties=regions.counties()
    )
