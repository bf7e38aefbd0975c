"""What staff do to an IZ Portal site, each on a page of its own that says what will happen and
asks once more: approve production, send the site back to testing with a message, issue new
staging or production credentials (which stops the password in use). A refusal comes back as
the same page, with its reason in the error summary and beside the field, the message kept."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cair.domain import limits
from cair.domain.contracts.data_exchange import DxEnvironment, DxStage
from cair.domain.plain_words import words
from cair.domain.problems import Problem
from cair.domain.validation import problem_from
from cair.operations import dx_decisions, dx_site_checks
from cair.operations.data_exchange import SiteView
from cair.operations.errors import Invalid, OperationError
from cair.web.api.schemas import MessageBody
from cair.web.pages.form_fields import summarize
from cair.web.pages.identity import AdminPage, ReviewerPage
from cair.web.pages.rendering import context_of, redirect, render
from cair.web.pages.staff_console import refusal_words

router = APIRouter()
LIST = "/staff/dx-sites"
MESSAGE_ID = "f-message"


@dataclass(frozen=True)
class SiteActionPage:
    """What staff_dx_site_action.html reads: the site, what pressing the button will do, the
    button, and for a send-back the message (kept after a refusal)."""

    site: SiteView
    heading: str
    happens: tuple[str, ...]
    action: str  # where the form posts
    button: str
    danger: bool
    cancel: str
    asks_message: bool
    message: str
    errors: dict[str, str]
    summary: list[tuple[str, str, str]]
    message_limit: int = limits.STAFF_TEXT
    section: str = "dx"


async def _page(
    request: Request,
    site_id: str,
    what: str,
    *,
    message: str = "",
    problems: list[Problem] | None = None,
) -> Response:
    """The page of ``what`` ("approve", "send-back", or an environment's credentials)."""
    site = await dx_site_checks.site_for_staff(context_of(request), site_id)
    name = f"{site.site_name} ({site.site_id}, {site.provider_id})"
    if what == "approve":
        heading = f"Approve {site.site_id} for production?"
        happens: tuple[str, ...] = (
            f"{name} met its test plan on staging.",
            "Approving issues its production credentials now: the site's representative is "
            "e-mailed a single-use link to them.",
            "The first accepted production message makes the site live.",
        )
        button, danger, action = f"Approve production for {site.site_id}", False, "approve"
    elif what == "send-back":
        heading = f"Send {site.site_id} back to testing"
        happens = (
            f"{name} goes back to testing on staging; its test plan counts again from its "
            "next message.",
            "Its representative is e-mailed your message: say what to test again.",
        )
        button, danger, action = f"Send {site.site_id} back to testing", False, "send-back"
    else:
        heading = f"New {what} credentials for {site.site_id}?"
        happens = (
            f"The {what} password {name} uses now stops working at once: its messages to "
            f"{what} are refused until its EHR has the new one.",
            "The site's representative is e-mailed a single-use link to the new password.",
        )
        button, danger = f"Issue new {what} credentials for {site.site_id}", True
        action = f"credentials/{what}"
    label = {"message": "What the site should test again", "": "Not done"}
    errors, summary = summarize(
        problems or [], {"message": MESSAGE_ID}, lambda p: label.get(p, p), "action-form"
    )
    page = SiteActionPage(
        site=site,
        heading=heading,
        happens=happens,
        action=f"{LIST}/{site.site_id}/{action}",
        button=button,
        danger=danger,
        cancel=LIST if what in ("approve", "send-back") else f"{LIST}?stage=all",
        asks_message=what == "send-back",
        message=message,
        errors=errors,
        summary=summary,
    )
    title = ("Error: " if problems else "") + heading
    return render(
        request, "staff_dx_site_action.html", page, status=422 if problems else 200, title=title
    )


def _problems(refused: Exception) -> list[Problem]:
    """A refusal as the page's problems: the message's own by its field, the rest for all."""
    if isinstance(refused, ValidationError):
        return [problem_from(error) for error in refused.errors()]
    if isinstance(refused, Invalid) and str(refused).startswith("message: "):
        return [Problem("message", str(refused).removeprefix("message: "))]
    return [Problem("", refusal_words(refused))]


@router.get("/staff/dx-sites/{site_id}/approve", response_class=HTMLResponse)
async def approve_page(site_id: str, staff: ReviewerPage, request: Request) -> Response:
    return await _page(request, site_id, "approve")


@router.post("/staff/dx-sites/{site_id}/approve", response_class=HTMLResponse)
async def approve(site_id: str, staff: ReviewerPage, request: Request) -> Response:
    ctx = context_of(request)
    try:
        problems = await _not_in_review(request, site_id)
        if not problems:
            await dx_decisions.decide(ctx, site_id, staff, approve=True)
    except OperationError as refused:
        problems = _problems(refused)
    if problems:
        return await _page(request, site_id, "approve", problems=problems)
    notice = f"{site_id} approved: its production credentials are e-mailed."
    return redirect(request, LIST, notice=notice)


@router.get("/staff/dx-sites/{site_id}/send-back", response_class=HTMLResponse)
async def send_back_page(site_id: str, staff: ReviewerPage, request: Request) -> Response:
    return await _page(request, site_id, "send-back")


@router.post("/staff/dx-sites/{site_id}/send-back", response_class=HTMLResponse)
async def send_back(site_id: str, staff: ReviewerPage, request: Request) -> Response:
    message = str((await request.form()).get("message", ""))
    problems: list[Problem] = []
    try:
        body = MessageBody.model_validate({"message": message})
        if not body.message.strip():
            problems.append(Problem("message", "tell the site what to test again"))
    except ValidationError as invalid:
        problems += _problems(invalid)
    try:
        problems += await _not_in_review(request, site_id)
        if not problems:
            await dx_decisions.decide(
                context_of(request), site_id, staff, approve=False, message=body.message
            )
    except OperationError as refused:
        problems = _problems(refused)
    if problems:
        return await _page(request, site_id, "send-back", message=message, problems=problems)
    notice = f"{site_id} sent back to testing; its representative has the message."
    return redirect(request, LIST, notice=notice)


async def _not_in_review(request: Request, site_id: str) -> list[Problem]:
    """Nothing to decide on a site that is not waiting for review, said in words."""
    site = await dx_site_checks.site_for_staff(context_of(request), site_id)
    if site.stage == DxStage.READY_FOR_REVIEW:
        return []
    stage = words("dx_stage", site.stage).lower()
    return [Problem("", f"{site_id} is not waiting for review (it is {stage}): nothing to decide")]


@router.get("/staff/dx-sites/{site_id}/credentials/{environment}", response_class=HTMLResponse)
async def credentials_page(
    site_id: str, environment: DxEnvironment, staff: AdminPage, request: Request
) -> Response:
    return await _page(request, site_id, environment.value)


@router.post("/staff/dx-sites/{site_id}/credentials/{environment}", response_class=HTMLResponse)
async def reissue(
    site_id: str, environment: DxEnvironment, staff: AdminPage, request: Request
) -> Response:
    try:
        await dx_decisions.reissue(context_of(request), site_id, environment.value, staff)
    except OperationError as refused:
        return await _page(request, site_id, environment.value, problems=_problems(refused))
    notice = (
        f"New {environment.value} credentials for {site_id}: the old password no longer works; "
        "the representative has a new link."
    )
    return redirect(request, f"{LIST}?stage=all", notice=notice)
