"""The applicant's pages: who may enroll, where (the county check) and at which access level
(the access questions), the enrollment form, its status page, and the amendment form behind
the changes-requested link."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cair.domain import ids
from cair.domain.access import ACCESS_LEVEL_LABELS, AccessLevel, derive_access_level
from cair.domain.counties import canonical_county
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.request import AccessAnswers
from cair.operations import applicant_links, enrollments, regions
from cair.operations.regions import CountyCheck
from cair.security.tokens import new_token
from cair.web.pages import csrf, enrollment_form, form_values
from cair.web.pages.enrollment_form import LABELS, QUESTIONS, user_label
from cair.web.pages.form_fields import Section, label_for
from cair.web.pages.identity import visitor
from cair.web.pages.rendering import context_of, redirect, render

router = APIRouter()

ENROLL_TITLE = "Enroll your organization in CAIR"
STRAY_ROWS = Problem("users", "the form carried a user row it never showed; reload the form")
# The enrollment form's folded parts, by the paths each holds (see _any_under).
FOLDED = {
    "addresses": ("organization.mailing_address", "organization.vaccine_delivery_address"),
    "contacts": ("contacts.vaccine_coordinator", "contacts.technical", "contacts.other"),
}


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
    await visitor(request)
    return render(request, "enroll_start.html", _check_form({}), title=ENROLL_TITLE)


@dataclass(frozen=True)
class EnrollCheckPage:
    """What enroll_check.html reads: where the organization enrolls, at which access level and
    with which roles, and the answers to carry on to the form (its query string)."""

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
        roles=enrollment_form.roles_allowed(level),
        form_query=request.url.query,
    )
    return render(request, "enroll_check.html", checked, title="Where and how you enroll")


@router.get("/enroll/form", response_class=HTMLResponse)
async def form(request: Request) -> Response:
    """The form, with what the check already knows filled in."""
    query = request.query_params
    values: dict[str, Any] = {f"access.{k}": query.get(k) for k, _ in QUESTIONS if query.get(k)}
    if canonical := canonical_county(query.get("county") or ""):
        values["organization.county"] = canonical
    return _form_page(request, values=values, users=1)


@router.post("/enroll/form", response_class=HTMLResponse)
async def submit(request: Request) -> Response:
    posted = await request.form()
    parsed = enrollment_form.parse(posted)
    if parsed.action != "submit":
        return _edited(request, parsed)
    if parsed.stray_rows:  # a tampered form: say so rather than drop what was sent
        return _form_page(request, data=parsed.data, problems=[STRAY_ROWS], status=422)
    ctx = context_of(request)
    try:
        status = await enrollments.submit(
            ctx,
            parsed.data,
            client=request.client.host if request.client else None,
            enrollment_id=_enrollment_id(request, str(posted.get("form_id", ""))),
        )
    except InvalidRequest as invalid:
        return _form_page(request, data=parsed.data, problems=invalid.problems, status=422)
    token = await applicant_links.issue_status_token(ctx, status.id)
    return RedirectResponse(f"/status/{token}?sent=1", status_code=303)


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
        just_sent=request.query_params.get("sent") == "1",
    )


@router.get("/enroll/amend/{token}", response_class=HTMLResponse)
async def amend_form(token: str, request: Request) -> Response:
    found = await applicant_links.amendment_form(context_of(request), token)
    return _form_page(
        request, data=found.request, amending=found.enrollment_id, staff_message=found.message
    )


@router.post("/enroll/amend/{token}", response_class=HTMLResponse)
async def amend(token: str, request: Request) -> Response:
    ctx = context_of(request)
    found = await applicant_links.amendment_form(ctx, token)
    parsed = enrollment_form.parse(await request.form())
    if parsed.action != "submit":
        return _edited(request, parsed, amending=found.enrollment_id, message=found.message)
    if parsed.stray_rows:
        return _form_page(
            request,
            data=parsed.data,
            problems=[STRAY_ROWS],
            status=422,
            amending=found.enrollment_id,
            staff_message=found.message,
        )
    try:
        await enrollments.amend(ctx, found.enrollment_id, parsed.data, token=token)
    except InvalidRequest as invalid:
        return _form_page(
            request,
            data=parsed.data,
            problems=invalid.problems,
            status=422,
            amending=found.enrollment_id,
            staff_message=found.message,
        )
    status_token = await applicant_links.issue_status_token(ctx, found.enrollment_id)
    return redirect(
        request,
        f"/status/{status_token}",
        notice="Your corrected request was sent: it is back with registry staff for review.",
    )


def _edited(
    request: Request,
    parsed: enrollment_form.Parsed,
    *,
    amending: str | None = None,
    message: str | None = None,
) -> Response:
    """A user row added or removed (the no-script way): the same form, one row more or less."""
    users = list(parsed.data["users"])
    if parsed.action == "add_user" and len(users) < 50:
        users.append({})
    elif parsed.action == "remove_user" and parsed.remove_index in range(len(users)):
        users.pop(parsed.remove_index or 0)
    data = {**parsed.data, "users": users}
    return _form_page(request, data=data, amending=amending, staff_message=message)


def _enrollment_id(request: Request, form_id: str) -> str | None:
    """The same form sent twice (a double click) names the same enrollment; the seed is bound
    to this browser's CSRF cookie, so nobody can aim at someone else's enrollment."""
    cookie = request.cookies.get(csrf.COOKIE)
    if not cookie or not 20 <= len(form_id) <= 64:
        return None
    key = context_of(request).settings.web_key()
    seed = hmac.new(key, f"enroll:{cookie}:{form_id}".encode(), hashlib.sha256).digest()
    return ids.enrollment_id_from(seed)


@dataclass(frozen=True)
class EnrollFormPage:
    """What enroll_form.html reads: the enrollment form (or the amendment form, with the staff
    message that asked for it), filled with what was entered and its problems."""

    heading: str
    sec: dict[str, Section]
    opened: dict[str, bool]  # folded part → whether it starts open
    org_types: dict[str, str]
    role_options: tuple[tuple[str, str], ...]
    questions: tuple[tuple[str, str], ...]
    agreements: tuple[tuple[str, str], ...]
    counties: tuple[str, ...]
    values: dict[str, Any]
    errors: dict[str, str]
    summary: list[tuple[str, str, str]]  # (anchor, label, message)
    user_rows: int
    form_id: str
    amending: str | None
    staff_message: str | None
    action: str


def _form_page(
    request: Request,
    *,
    data: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    users: int | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
    amending: str | None = None,
    staff_message: str | None = None,
) -> HTMLResponse:
    shown = values if values is not None else form_values.values(data or {})
    rows = users if users is not None else max(enrollment_form.user_count(data or {}), 1)
    errors: dict[str, str] = {}
    summary: list[tuple[str, str, str]] = []  # (anchor, label, message)
    for p in problems or []:
        errors.setdefault(p.path, p.message)
        label = user_label(p.path) or label_for(p.path, LABELS)
        summary.append(("f-" + p.path.replace(".", "-"), label, p.message))
    heading = f"Correct enrollment {amending}" if amending else ENROLL_TITLE
    page = EnrollFormPage(
        heading=heading,
        sec={s.path: s for s in enrollment_form.SECTIONS},
        opened={part: _any_under(under, shown, errors) for part, under in FOLDED.items()},
        org_types=enrollment_form.ORG_TYPE_LABELS,
        role_options=enrollment_form.ROLE_OPTIONS,
        questions=QUESTIONS,
        agreements=enrollment_form.AGREEMENTS,
        counties=regions.counties(),
        values=shown,
        errors=errors,
        summary=summary,
        user_rows=rows,
        form_id=new_token()[:32],
        amending=amending,
        staff_message=staff_message,
        action=request.url.path,
    )
    title = ("Error: " if problems else "") + heading
    return render(request, "enroll_form.html", page, status=status, title=title)


def _check_form(values: dict[str, Any], errors: dict[str, str] | None = None) -> EnrollStartPage:
    return EnrollStartPage(
        values=values, errors=errors or {}, questions=QUESTIONS, counties=regions.counties()
    )


def _any_under(prefixes: tuple[str, ...], *found: dict[str, Any]) -> bool:
    """Whether a folded part of the form holds a value or a problem (then it starts open)."""
    return any(key.startswith(prefixes) for keys in found for key in keys)
