"""The applicant's pages: who may enroll, where (the county check) and at which access level
(the access questions), the enrollment form and its answers to check before they are sent, the
status page, and the amendment form behind the changes-requested link."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cair.domain import ids, limits
from cair.domain.access import ACCESS_LEVEL_LABELS, AccessLevel, derive_access_level
from cair.domain.counties import canonical_county
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.request import AccessAnswers
from cair.domain.validation import validate_enrollment
from cair.operations import applicant_links, enrollments, regions
from cair.operations.errors import Invalid, Refused, TooManyRequests, Unavailable
from cair.operations.regions import CountyCheck
from cair.web.identity import client_address
from cair.web.pages import csrf, enrollment_parsing
from cair.web.pages.enrollment_form import QUESTIONS
from cair.web.pages.enrollment_pages import ENROLL_TITLE, form_page, review_page
from cair.web.pages.form_values import form_id_of
from cair.web.pages.identity import visitor
from cair.web.pages.rendering import context_of, redirect, render

router = APIRouter()

STRAY_ROWS = Problem("users", "the form carried a user row it never showed; reload the form")


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
    given = _start_answers(request)
    return render(request, "enroll_start.html", _check_form(given), title=ENROLL_TITLE)


def _start_answers(request: Request) -> dict[str, Any]:
    query = request.query_params
    given: dict[str, Any] = {
        key: query[key] for key, _ in QUESTIONS if query.get(key) in ("yes", "no")
    }
    if canonical := canonical_county(query.get("county") or ""):
        given["county"] = canonical
    return given


@dataclass(frozen=True)
class EnrollCheckPage:
    """What enroll_check.html reads: where the organization enrolls, at which access level and
    with which roles, and the answers to carry on (the query string of the form, and of the
    way back to change them)."""

    where: CountyCheck
    level: AccessLevel | None
    level_label: str | None
    roles: list[tuple[str, str, str]]
    form_query: str


@router.get("/enroll/check", response_class=HTMLResponse)
async def check(request: Request) -> Response:
    """The county and the three access answers, checked before the form (a GET: it changes
    nothing, and the answer can be bookmarked or shared)."""
    query = request.query_params
    answers = {key: query.get(key) for key, _ in QUESTIONS}
    county = (query.get("county") or "").strip()
    errors: dict[str, str] = {}
    if not county or canonical_county(county) is None:
        errors["county"] = "choose the county of your site's street address"
    for key, text in QUESTIONS:
        if answers[key] not in ("yes", "no"):
            errors[key] = f"answer yes or no: {text}"
    if errors:
        page = _check_form({"county": county, **answers}, errors)
        return render(request, "enroll_start.html", page, status=422, title=ENROLL_TITLE)
    where = regions.county_check(context_of(request), county)
    level = derive_access_level(
        AccessAnswers(**{key: answers[key] == "yes" for key, _ in QUESTIONS})
    )
    checked = EnrollCheckPage(
        where=where,
        level=level,
        level_label=ACCESS_LEVEL_LABELS[level] if level else None,
        roles=enrollment_parsing.roles_allowed(level),
        form_query=urlencode({"county": where.county, **answers}),
    )
    return render(request, "enroll_check.html", checked, title="Where and how you enroll")


@router.get("/enroll/form", response_class=HTMLResponse)
async def form(request: Request) -> Response:
    """The form, with what the check already knows filled in."""
    given = _start_answers(request)
    values: dict[str, Any] = {f"access.{k}": given[k] for k, _ in QUESTIONS if k in given}
    if "county" in given:
        values["organization.county"] = given["county"]
    return form_page(request, values=values, users=1, form_id=form_id_of(""))


@router.post("/enroll/form", response_class=HTMLResponse)
async def submit(request: Request) -> Response:
    """The form's steps, by its button: "review" (the default: the answers to check),
    "change" (back to the form from the check, every answer kept), a user row added or
    removed, and "send" — the only one that sends anything."""
    posted = await request.form()
    parsed = enrollment_parsing.parse(posted)
    form_id = form_id_of(str(posted.get("form_id", "")))
    ctx = context_of(request)

    async def send(data: dict[str, Any]) -> Response:
        status = await enrollments.submit(
            ctx,
            data,
            client=client_address(request),
            enrollment_id=_enrollment_id(request, form_id, data),
        )
        token = await applicant_links.issue_status_token(ctx, status.id)
        return RedirectResponse(f"/status/{token}?sent=1", status_code=303)

    return await _step(request, parsed, form_id, send)


@router.get("/status/{token}", response_class=HTMLResponse)
async def status_page(token: str, request: Request) -> Response:
    ctx = context_of(request)
    enrollment_id = await applicant_links.enrollment_of_status_token(ctx, token)
    view = await enrollments.applicant_view(ctx, enrollment_id)
    return render(
        request,
        "status.html",
        title=f"Enrollment {view.id}: {view.stage_label}",
        view=view,
        region=regions.region_names(ctx).get(view.region, view.region.replace("_", " ")),
        just_sent=request.query_params.get("sent") == "1",
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
    )


@router.post("/enroll/amend/{token}", response_class=HTMLResponse)
async def amend(token: str, request: Request) -> Response:
    ctx = context_of(request)
    found = await applicant_links.amendment_form(ctx, token)
    posted = await request.form()
    parsed = enrollment_parsing.parse(posted)

    async def send(data: dict[str, Any]) -> Response:
        await enrollments.amend(ctx, found.enrollment_id, data, token=token)
        status_token = await applicant_links.issue_status_token(ctx, found.enrollment_id)
        return redirect(
            request,
            f"/status/{status_token}",
            notice="Your corrected request was sent: it is back with registry staff for review.",
        )

    form_id = form_id_of(str(posted.get("form_id", "")))
    return await _step(
        request, parsed, form_id, send, amending=found.enrollment_id, message=found.message
    )


async def _step(
    request: Request,
    parsed: enrollment_parsing.Parsed,
    form_id: str,
    send: Callable[[dict[str, Any]], Awaitable[Response]],
    *,
    amending: str | None = None,
    message: str | None = None,
) -> Response:
    """One step of the form (see ``submit``); a refusal is the form again, with every
    problem, every value kept."""
    if parsed.action not in ("review", "send"):
        return _edited(request, parsed, form_id=form_id, amending=amending, staff_message=message)
    problems = [STRAY_ROWS] if parsed.stray_rows else []  # tampered: say so, drop nothing
    try:
        if parsed.action == "send" and not problems:
            return await send(parsed.data)
        valid = validate_enrollment(parsed.data)
    except InvalidRequest as invalid:
        problems += invalid.problems
    except (Invalid, Refused, TooManyRequests, Unavailable) as refused:  # nothing typed is lost
        problems.append(Problem("", str(refused)))
    if problems:
        return form_page(
            request,
            data=parsed.data,
            problems=problems,
            status=422,
            form_id=form_id,
            amending=amending,
            staff_message=message,
        )
    return review_page(request, valid, parsed.data, form_id=form_id, amending=amending)


def _edited(
    request: Request,
    parsed: enrollment_parsing.Parsed,
    *,
    form_id: str,
    amending: str | None = None,
    staff_message: str | None = None,
) -> Response:
    """A user row added or removed (the no-script way), or the form opened again from the
    check: the same form, every answer kept, one row more or less."""
    users = list(parsed.data["users"])
    if parsed.action == "add_user" and len(users) < limits.MAX_USERS_PER_REQUEST:
        users.append({})  # the button's address opens the page at the new row's first field
    elif parsed.action == "remove_user" and parsed.remove_index in range(len(users)):
        users.pop(parsed.remove_index or 0)
    data = {**parsed.data, "users": users}
    return form_page(
        request,
        data=data,
        amending=amending,
        staff_message=staff_message,
        form_id=form_id,
    )


def _enrollment_id(request: Request, form_id: str, data: dict[str, Any]) -> str | None:
    """The same form sent twice (a double click) names the same enrollment; the seed is bound
    to this browser's CSRF cookie, so nobody can aim at someone else's enrollment, and to the
    answers, so a request changed after a failed send is a new one, not the first returned."""
    cookie = request.cookies.get(csrf.COOKIE)
    if not cookie or not 20 <= len(form_id) <= 64:
        return None
    key = context_of(request).settings.web_key()
    answers = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    seed = hmac.new(key, f"enroll:{cookie}:{form_id}:{answers}".encode(), hashlib.sha256).digest()
    return ids.enrollment_id_from(seed)


def _check_form(values: dict[str, Any], errors: dict[str, str] | None = None) -> EnrollStartPage:
    return EnrollStartPage(
        values=values, errors=errors or {}, questions=QUESTIONS, counties=regions.counties()
    )
