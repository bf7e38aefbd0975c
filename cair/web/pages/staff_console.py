"""The staff console's review: the queue and each request in full with its decisions. The
training list is in ``staff_training``, accounts and held steps in ``staff_accounts``. Every
decision is recorded under the signed-in staff member; every item links to its workflow in the
Temporal Web UI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from cair.domain import ids
from cair.domain.access import ROLE_LABELS, Role
from cair.domain.plain_words import ORG_TYPES
from cair.domain.staff_roles import StaffRole, may_act_as
from cair.domain.stages import FOR_APPLICANTS, Stage
from cair.domain.validation import problem_from
from cair.operations import (
    enrollments,
    regions,
)
from cair.operations.audit_lines import audit_line
from cair.operations.audit_values import Line, Names
from cair.operations.enrollments import QueueItem, StaffEnrollment
from cair.operations.errors import OperationError
from cair.operations.sessions import StaffMember
from cair.web.api.schemas import (
    MessageBody,
    ReasonBody,
)
from cair.web.pages.identity import AnyStaffPage, ReviewerPage
from cair.web.pages.paging import Pager, pager
from cair.web.pages.refusals import SummaryItem, field_errors, problems_of, summary
from cair.web.pages.rendering import context_of, redirect, render
from cair.web.pages.staff_confirm import approval, confirm_page, confirmed, rejection

router = APIRouter(prefix="/staff")
PAGE_SIZE = 50
STAGE_LABELS = {stage.value: FOR_APPLICANTS[stage][0] for stage in Stage}
ROLE_NAMES = {r.value: ROLE_LABELS[r] for r in Role}


@router.get("", response_class=HTMLResponse)
async def console(staff: AnyStaffPage, request: Request) -> Response:
    """Each staff member starts where their work is."""
    if may_act_as(staff.roles, StaffRole.REVIEWER):
        return redirect(request, "/staff/enrollments")
    return redirect(request, "/staff/training")


@dataclass(frozen=True)
class StaffQueuePage:
    """What staff_queue.html reads: one page of the review queue, the filters that chose it,
    and the links to the pages before and after it."""

    items: list[QueueItem]
    total: int
    offset: int
    page_size: int
    filters: dict[str, str]
    stages: dict[str, str]
    regions: dict[str, str]
    org_types: dict[str, str]
    staff: StaffMember
    pager: Pager
    section: str = "queue"


@router.get("/enrollments", response_class=HTMLResponse)
async def queue(staff: ReviewerPage, request: Request) -> Response:
    query = request.query_params
    stage = query.get("stage", "awaiting_review") or None
    region = query.get("region") or None
    org_type = query.get("org_type") or None
    offset = _whole(query.get("offset"), 0)
    items, total = await enrollments.queue(
        context_of(request),
        stage=stage,
        region=region,
        org_type=org_type,
        limit=PAGE_SIZE,
        offset=offset,
    )
    filters = {"stage": stage or "", "region": region or "", "org_type": org_type or ""}
    page = StaffQueuePage(
        items=items,
        total=total,
        offset=offset,
        page_size=PAGE_SIZE,
        filters=filters,
        stages=STAGE_LABELS,
        regions=regions.region_names(context_of(request)),
        org_types=ORG_TYPES,
        staff=staff,
        pager=pager("/staff/enrollments", filters, total=total, offset=offset, shown=len(items)),
    )
    return render(request, "staff_queue.html", page, title="Review queue")


@router.get("/enrollments/{enrollment_id}", response_class=HTMLResponse)
async def enrollment(enrollment_id: str, staff: ReviewerPage, request: Request) -> Response:
    return await _detail(request, enrollment_id)


@dataclass(frozen=True)
class StaffEnrollmentPage:
    """What staff_enrollment.html reads: a request in full with its history in order, as
    sentences, whether it still awaits a decision (then the decision forms are shown), and a
    refused decision's problems with what was typed kept."""

    found: StaffEnrollment
    request_data: dict[str, Any]
    history: list[Line]
    values: dict[str, str]
    errors: dict[str, str]
    summary: list[SummaryItem]
    workflow_url: str
    open: bool
    section: str = "queue"


DECISION_LABELS = {"message": "What should the applicant change?", "reason": "Reason to reject"}


async def _detail(
    request: Request,
    enrollment_id: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ctx = context_of(request)
    found = await enrollments.detail(ctx, enrollment_id)
    named = Names(organization=found.view.org_name, regions=regions.region_names(ctx))
    errors = errors or {}
    page = StaffEnrollmentPage(
        found=found,
        request_data=found.request,
        history=[audit_line(entry, named) for entry in found.history],
        values=values or {},
        errors=errors,
        summary=summary(errors, DECISION_LABELS, lambda key: f"f-{key}"),
        workflow_url=ctx.settings.workflow_ui_url(ids.enrollment_workflow_id(enrollment_id)),
        open=found.view.stage == Stage.AWAITING_REVIEW,
    )
    title = ("Error: " if errors else "") + f"Enrollment {enrollment_id}: {found.view.org_name}"
    return render(request, "staff_enrollment.html", page, status=status, title=title)


class _Approval(BaseModel):
    """An approval says nothing more."""


DECISIONS: dict[str, tuple[type[BaseModel], str]] = {
    "approve": (_Approval, "Approved"),
    "reject": (ReasonBody, "Rejected"),
    "request-changes": (MessageBody, "Changes requested"),
}


@router.post("/enrollments/{enrollment_id}/{decision}", response_class=HTMLResponse)
async def decide(
    enrollment_id: str, decision: str, staff: ReviewerPage, request: Request
) -> Response:
    if decision not in DECISIONS:
        return await _detail(request, enrollment_id, errors={"": "No such decision."}, status=404)
    form = await request.form()
    ctx = context_of(request)
    body_type, done = DECISIONS[decision]
    values = {k: str(form.get(k, "")) for k in body_type.model_fields}
    try:
        body = body_type.model_validate(values)
    except ValidationError as invalid:
        errors = field_errors(problems_of(invalid), DECISION_LABELS)
        return await _detail(request, enrollment_id, values=values, errors=errors, status=422)
    if isinstance(body, ReasonBody) and not body.reason:
        errors = {"reason": "enter a reason the applicant can act on"}
        return await _detail(request, enrollment_id, values=values, errors=errors, status=422)
    if form.get("confirm") == "no":  # back from the confirmation, to change what was typed
        return await _detail(request, enrollment_id, values=values)
    if decision != "request-changes" and not confirmed(form):
        found = await enrollments.detail(ctx, enrollment_id)
        if found.view.stage != Stage.AWAITING_REVIEW:
            errors = {
                "": f"This request is no longer waiting for a decision: it is "
                f"{STAGE_LABELS.get(found.view.stage, found.view.stage).lower()}."
            }
            return await _detail(request, enrollment_id, errors=errors, status=409)
        reason = body.reason if isinstance(body, ReasonBody) else ""
        return confirm_page(request, rejection(found, reason) if reason else approval(found))
    try:
        if isinstance(body, ReasonBody):
            await enrollments.reject(ctx, enrollment_id, by=staff.email, reason=body.reason)
        elif isinstance(body, MessageBody):
            await enrollments.request_changes(
                ctx, enrollment_id, by=staff.email, message=body.message
            )
        else:
            await enrollments.approve(ctx, enrollment_id, by=staff.email)
    except OperationError as refused:
        errors = field_errors(problems_of(refused), DECISION_LABELS)
        return await _detail(
            request, enrollment_id, values=values, errors=errors, status=refused.status
        )
    return redirect(
        request,
        f"/staff/enrollments/{enrollment_id}",
        notice=f"{done}: enrollment {enrollment_id}.",
    )


def refusal_words(error: Exception) -> str:
    """A refusal in one line for a notice: a form's problems by field, or the operation's."""
    if isinstance(error, ValidationError):
        return "; ".join(str(problem_from(e)) for e in error.errors())
    return str(error)


def _whole(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and len(text) < 7 else default
