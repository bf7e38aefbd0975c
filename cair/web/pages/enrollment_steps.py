"""The enrollment form's steps, the same at both doors (the New Enrollment form and the CAIR IZ
Portal's enrollment) and for an amendment: the form opened from the check, "review" (the
answers to check), "change" (back to the form, every answer kept), a user row added or
removed, and "send". A refusal is the form again, with every problem and every value kept."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from cair.domain import ids, limits
from cair.domain.counties import canonical_county
from cair.domain.problems import InvalidRequest, Problem
from cair.domain.validation import validate_enrollment
from cair.operations import applicant_links, enrollments
from cair.operations.errors import Invalid, Refused, TooManyRequests, Unavailable
from cair.web.identity import client_address
from cair.web.pages import csrf, enrollment_parsing
from cair.web.pages.enrollment_form import GENERAL, QUESTIONS, Door
from cair.web.pages.enrollment_pages import form_page, review_page
from cair.web.pages.form_values import form_id_of
from cair.web.pages.rendering import context_of

STRAY_ROWS = Problem("users", "the form carried a user row it never showed; reload the form")


def start_answers(request: Request) -> dict[str, Any]:
    """The county and the access answers in the address (from the check, or "Change my
    answers"), those that read as answers."""
    query = request.query_params
    given: dict[str, Any] = {
        key: query[key] for key, _ in QUESTIONS if query.get(key) in ("yes", "no")
    }
    if canonical := canonical_county(query.get("county") or ""):
        given["county"] = canonical
    return given


def new_form(request: Request, door: Door) -> Response:
    """A door's form, blank but for the answers the check gave (in the address): the county
    and the access questions the door still asks."""
    given = start_answers(request)
    values: dict[str, Any] = {f"access.{k}": given[k] for k, _ in door.asked if k in given}
    if "county" in given:
        values["organization.county"] = given["county"]
    return form_page(request, values=values, users=1, form_id=form_id_of(""), door=door)


async def enrollment_step(request: Request, door: Door) -> Response:
    """One step of a door's form (see ``submit``); a sent enrollment goes to its status page,
    whichever door it came through."""
    posted = await request.form()
    parsed = enrollment_parsing.parse(posted, door)
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

    return await form_step(request, parsed, form_id, send, door=door)


async def form_step(
    request: Request,
    parsed: enrollment_parsing.Parsed,
    form_id: str,
    send: Callable[[dict[str, Any]], Awaitable[Response]],
    *,
    amending: str | None = None,
    message: str | None = None,
    door: Door = GENERAL,
) -> Response:
    """One step of the form (see ``submit``); a refusal is the form again, with every
    problem, every value kept."""
    if parsed.action not in ("review", "send"):
        return _edited(
            request, parsed, form_id=form_id, amending=amending, staff_message=message, door=door
        )
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
            door=door,
        )
    return review_page(request, valid, parsed.data, form_id=form_id, amending=amending)


def _edited(
    request: Request,
    parsed: enrollment_parsing.Parsed,
    *,
    form_id: str,
    amending: str | None = None,
    staff_message: str | None = None,
    door: Door = GENERAL,
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
        door=door,
    )


def _enrollment_id(request: Request, form_id: str, data: dict[str, Any]) -> str | None:
    """The same form sent twice (a double click) names the same enrollment; the seed is bound
    to this browser's CSRF cookie, so nobody can aim at someone else's enrollment, and to the
    answers, so a request changed after a failed send is a new one, not the first returned."""
    cookie = csrf.browser_cookie(request)
    if not cookie or not 20 <= len(form_id) <= 64:
        return None
    key = context_of(request).settings.web_key()
    answers = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    seed = hmac.new(key, f"enroll:{cookie}:{form_id}:{answers}".encode(), hashlib.sha256).digest()
    return ids.enrollment_id_from(seed)
