"""An enrolled organization's representative enrolls a new site from the account: the form (the
organization's facts filled in from the account, the site's own asked), its answers to check,
then send; the same operation as the API (``operations.new_sites``), so the rules and their
words are the same, and the request goes to the same staff queue, routed by the site's county.
A refused form comes back as itself: every problem at once beside its field, nothing typed lost.
A site whose EHR will submit immunization data electronically is registered at the IZ Portal
instead (``dx_sites``)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cair.domain import ids, limits
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.validation import validate_enrollment
from cair.operations import applicant_links, enrollments, new_sites
from cair.operations.errors import OperationError
from cair.operations.sessions import Representative
from cair.web.pages import csrf, new_site_form
from cair.web.pages.account_submit import refused_form
from cair.web.pages.enrollment_parsing import Parsed
from cair.web.pages.enrollment_steps import STRAY_ROWS
from cair.web.pages.form_values import form_id_of
from cair.web.pages.identity import RepresentativePage
from cair.web.pages.new_site_views import form_page, organization, review_page, sent_page
from cair.web.pages.rendering import context_of, redirect

router = APIRouter()
# Where a problem of the whole enrollment lies in what the form sent (as operations.new_sites
# names them for the API): the organization's part holds the site's facts.
AS_SENT = ("organization.", "new_site.")


@router.get("/account/{provider_id}/sites/new", response_class=HTMLResponse)
async def new_site(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    """The form, blank: the site shares the organization's contacts unless told otherwise."""
    org = organization(await new_sites.prefilled(context_of(request), who))
    values = {new_site_form.CONTACTS_FROM: "organization"}
    return form_page(request, org, values=values, form_id=form_id_of(""))


@router.post("/account/{provider_id}/sites", response_class=HTMLResponse)
async def enroll_site(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    """One route for the form's steps, by its button: "review" (the default: the answers to
    check), "change" (back to the form, every answer kept), a user row added or removed, and
    "send", the only one that sends anything (sent twice, one request)."""
    ctx = context_of(request)
    known = await new_sites.prefilled(ctx, who)
    org = organization(known)
    posted = await request.form()
    parsed = new_site_form.parse(posted, data_exchange=org.data_exchange)
    form_id = form_id_of(str(posted.get("form_id", "")))
    if parsed.action not in ("review", "send"):
        return form_page(request, org, data=_edited(parsed), form_id=form_id)
    problems = [STRAY_ROWS] if parsed.stray_rows else []  # tampered: say so, drop nothing
    try:
        if parsed.action == "send" and not problems:
            seed = _enrollment_id(request, who, form_id, parsed.data)
            sent = await new_sites.enroll_site(ctx, who, parsed.data, enrollment_id=seed)
            token = await applicant_links.issue_status_token(ctx, sent.id)
            return redirect(request, f"/account/{provider_id}/sites/sent/{token}")
        valid = validate_enrollment(new_sites.full_request(known, parsed.data))
    except InvalidRequest as invalid:
        problems += [_as_sent(p) for p in invalid.problems]
    except OperationError as refused:  # a part of the service that does not answer: kept
        if not refused_form(refused):
            raise
        problems.append(Problem("", str(refused)))
    if problems:
        return form_page(
            request, org, data=parsed.data, problems=problems, status=422, form_id=form_id
        )
    return review_page(request, org, valid, parsed.data, form_id)


@router.get("/account/{provider_id}/sites/sent/{token}", response_class=HTMLResponse)
async def sent(provider_id: str, token: str, who: RepresentativePage, request: Request) -> Response:
    """Where the sent site went, by its status link (the key its sender was given): registry
    staff's review, or the Local CAIR Representative of its county."""
    ctx = context_of(request)
    view = await enrollments.status(
        ctx, await applicant_links.enrollment_of_status_token(ctx, token)
    )
    return sent_page(request, provider_id, view, token)


def _edited(parsed: Parsed) -> dict[str, Any]:
    """A user row added or removed (the no-script way), or the form opened again from the
    check: the same answers, one row more or less."""
    users = list(parsed.data["users"])
    if parsed.action == "add_user" and len(users) < limits.MAX_USERS_PER_REQUEST:
        users.append({})
    elif parsed.action == "remove_user" and parsed.remove_index in range(len(users)):
        users.pop(parsed.remove_index or 0)
    return {**parsed.data, "users": users}


def _as_sent(problem: Problem) -> Problem:
    for prefix in AS_SENT:
        if problem.path.startswith(prefix):
            return Problem(problem.path.removeprefix(prefix), problem.message)
    return problem


def _enrollment_id(
    request: Request, who: Representative, form_id: str, data: dict[str, Any]
) -> str | None:
    """The same form sent twice (a double click) names the same request: the seed is bound to
    this browser's CSRF cookie, the organization and the answers, as the enrollment form's."""
    cookie = csrf.browser_cookie(request)
    if not cookie:
        return None
    key = context_of(request).settings.web_key()
    answers = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    text = f"new-site:{who.provider_id}:{cookie}:{form_id}:{answers}"
    return ids.enrollment_id_from(hmac.new(key, text.encode(), hashlib.sha256).digest())
