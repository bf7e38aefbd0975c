"""The staff console: the review queue and each request in full with its decisions (reviewers),
users awaiting training (trainers), account changes that raise access (reviewers), an
organization's account and audit trail, and held steps (admins). Every decision is recorded
under the signed-in staff member; every item links to its workflow in the Temporal Web UI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from cair.domain import ids
from cair.domain.access import ROLE_LABELS, Role
from cair.domain.staff_roles import StaffRole, may_act_as
from cair.domain.stages import FOR_APPLICANTS, Stage
from cair.domain.validation import problem_from
from cair.operations import (
    account_changes,
    account_views,
    credentials,
    enrollments,
    incidents,
    regions,
    users,
)
from cair.operations.enrollments import QueueItem, StaffEnrollment
from cair.operations.errors import OperationError
from cair.operations.sessions import StaffMember
from cair.store.incidents import IncidentView
from cair.store.users import UserListing
from cair.web.api.schemas import (
    ExtensionBody,
    MessageBody,
    OptionalReasonBody,
    ReasonBody,
    TrainingBody,
)
from cair.web.pages.enrollment_form import ORG_TYPE_LABELS
from cair.web.pages.identity import AdminPage, AnyStaffPage, ReviewerPage, TrainerPage
from cair.web.pages.rendering import context_of, redirect, render

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
    more: str
    fewer: str
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
        org_types=ORG_TYPE_LABELS,
        staff=staff,
        more=urlencode({**filters, "offset": offset + PAGE_SIZE}),
        fewer=urlencode({**filters, "offset": max(offset - PAGE_SIZE, 0)}),
    )
    return render(request, "staff_queue.html", page, title="Review queue")


@router.get("/enrollments/{enrollment_id}", response_class=HTMLResponse)
async def enrollment(enrollment_id: str, staff: ReviewerPage, request: Request) -> Response:
    return await _detail(request, enrollment_id)


@dataclass(frozen=True)
class StaffEnrollmentPage:
    """What staff_enrollment.html reads: a request in full with its history, and whether it
    still awaits a decision (then the decision forms are shown)."""

    found: StaffEnrollment
    request_data: dict[str, Any]
    stages: dict[str, str]
    org_types: dict[str, str]
    role_names: dict[str, str]
    errors: dict[str, str]
    workflow_url: str
    open: bool
    section: str = "queue"


async def _detail(
    request: Request, enrollment_id: str, *, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    ctx = context_of(request)
    found = await enrollments.detail(ctx, enrollment_id)
    page = StaffEnrollmentPage(
        found=found,
        request_data=found.request,
        stages=STAGE_LABELS,
        org_types=ORG_TYPE_LABELS,
        role_names=ROLE_NAMES,
        errors=errors or {},
        workflow_url=ctx.settings.workflow_ui_url(ids.enrollment_workflow_id(enrollment_id)),
        open=found.view.stage == Stage.AWAITING_REVIEW,
    )
    title = f"Enrollment {enrollment_id}: {found.view.org_name}"
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
        return await _detail(request, enrollment_id, errors={"": "no such decision"}, status=404)
    form = await request.form()
    ctx = context_of(request)
    body_type, done = DECISIONS[decision]
    fields = {k: str(form.get(k, "")) for k in body_type.model_fields}
    try:
        body = body_type.model_validate(fields)
    except ValidationError as invalid:
        errors = {p.path: p.message for p in map(problem_from, invalid.errors())}
        return await _detail(request, enrollment_id, errors=errors, status=422)
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
        return await _detail(request, enrollment_id, errors={"": str(refused)}, status=409)
    return redirect(
        request,
        f"/staff/enrollments/{enrollment_id}",
        notice=f"{done}: enrollment {enrollment_id}.",
    )


@dataclass(frozen=True)
class StaffTrainingPage:
    """What staff_training.html reads: the users awaiting training, soonest deadline first,
    each with a link to the workflow that holds their access."""

    users: list[UserListing]
    provider_id: str
    role_names: dict[str, str]
    workflow_url: dict[str, str]
    section: str = "training"


@router.get("/training", response_class=HTMLResponse)
async def training(staff: TrainerPage, request: Request) -> Response:
    provider_id = (request.query_params.get("provider_id") or "").strip().upper() or None
    waiting = await users.listing(
        context_of(request), state="pending_training", provider_id=provider_id
    )
    waiting.sort(key=lambda u: u.training_deadline or "")
    settings = context_of(request).settings
    page = StaffTrainingPage(
        users=waiting,
        provider_id=provider_id or "",
        role_names=ROLE_NAMES,
        workflow_url={
            u.user_id: settings.workflow_ui_url(ids.user_gate_workflow_id(u.user_id))
            for u in waiting
        },
    )
    return render(request, "staff_training.html", page, title="Users awaiting training")


@router.post("/users/{user_id}/training", response_class=HTMLResponse)
async def record_training(user_id: str, staff: TrainerPage, request: Request) -> Response:
    form = await request.form()
    fields = {"kind": str(form.get("kind", "")), "date": str(form.get("date", "")) or None}
    try:
        body = TrainingBody.model_validate(fields)
        await users.training_complete(
            context_of(request), user_id, kind=body.kind, by=staff.email, on=body.date
        )
    except (ValidationError, OperationError) as refused:
        return redirect(
            request, "/staff/training", notice=f"Not recorded: {refusal_words(refused)}"
        )
    return redirect(
        request, "/staff/training", notice=f"Training recorded for {user_id}: access opens now."
    )


@router.post("/users/{user_id}/training-deadline", response_class=HTMLResponse)
async def extend_deadline(user_id: str, staff: TrainerPage, request: Request) -> Response:
    form = await request.form()
    try:
        body = ExtensionBody.model_validate({"days": str(form.get("days", ""))})
        await users.training_extend(context_of(request), user_id, days=body.days, by=staff.email)
    except (ValidationError, OperationError) as refused:
        return redirect(
            request, "/staff/training", notice=f"Not extended: {refusal_words(refused)}"
        )
    return redirect(
        request, "/staff/training", notice=f"Deadline of {user_id} extended by {body.days} days."
    )


@dataclass(frozen=True)
class StaffChangesPage:
    """What staff_changes.html reads: the account changes that wait for a reviewer."""

    changes: list[dict[str, Any]]
    role_names: dict[str, str]
    section: str = "changes"


@router.get("/changes", response_class=HTMLResponse)
async def changes(staff: ReviewerPage, request: Request) -> Response:
    waiting = await account_changes.pending_approvals(context_of(request))
    page = StaffChangesPage(changes=waiting, role_names=ROLE_NAMES)
    return render(request, "staff_changes.html", page, title="Account changes awaiting approval")


@router.post(
    "/organizations/{provider_id}/changes/{change_id}/{decision}", response_class=HTMLResponse
)
async def decide_change(
    provider_id: str, change_id: str, decision: str, staff: ReviewerPage, request: Request
) -> Response:
    form = await request.form()
    try:
        body = OptionalReasonBody.model_validate({"reason": str(form.get("reason", ""))})
        result = await account_changes.decide(
            context_of(request),
            change_id,
            approve=decision == "approve",
            by=staff.email,
            reason=body.reason,
            provider_id=provider_id,
        )
    except (ValidationError, OperationError) as refused:
        return redirect(request, "/staff/changes", notice=f"Not decided: {refusal_words(refused)}")
    return redirect(request, "/staff/changes", notice=f"{change_id}: {result.message}")


@router.get("/organizations", response_class=HTMLResponse)
async def find_organization(staff: ReviewerPage, request: Request) -> Response:
    provider_id = (request.query_params.get("provider_id") or "").strip().upper()
    if not provider_id:
        return redirect(request, "/staff/enrollments", notice="Enter a Provider ID.")
    return redirect(request, f"/staff/organizations/{provider_id}")


@dataclass(frozen=True)
class StaffOrganizationPage:
    """What staff_organization.html reads: an organization's account and audit trail, and
    whether the viewer may re-issue its credentials (admins only)."""

    account: dict[str, Any]
    audit: list[dict[str, Any]]
    role_names: dict[str, str]
    region_names: dict[str, str]
    workflow_url: str
    is_admin: bool
    section: str = "queue"


@router.get("/organizations/{provider_id}", response_class=HTMLResponse)
async def organization(provider_id: str, staff: ReviewerPage, request: Request) -> Response:
    ctx = context_of(request)
    shown = await account_views.show(ctx, provider_id)
    audit = list(reversed(await account_views.audit(ctx, provider_id)))
    page = StaffOrganizationPage(
        account=shown,
        audit=audit[:200],
        role_names=ROLE_NAMES,
        region_names=regions.region_names(ctx),
        workflow_url=ctx.settings.workflow_ui_url(ids.organization_workflow_id(provider_id)),
        is_admin=StaffRole.ADMIN in staff.roles,
    )
    return render(
        request, "staff_organization.html", page, title=f"{shown['name']} ({provider_id})"
    )


@router.post("/organizations/{provider_id}/credentials", response_class=HTMLResponse)
async def reissue_credentials(provider_id: str, staff: AdminPage, request: Request) -> Response:
    """New data-exchange credentials: the old secret stops working, the contact gets a link."""
    back = f"/staff/organizations/{provider_id}"
    try:
        await credentials.reissue(context_of(request), provider_id, by=staff.email)
    except OperationError as refused:
        return redirect(request, back, notice=f"Not re-issued: {refused}")
    return redirect(
        request, back, notice="New credentials issued; the contact was e-mailed a link."
    )


@dataclass(frozen=True)
class StaffIncidentsPage:
    """What staff_incidents.html reads: the held steps, each with a link to its workflow."""

    incidents: list[IncidentView]
    workflow_url: dict[str, str]
    section: str = "incidents"


@router.get("/incidents", response_class=HTMLResponse)
async def incident_listing(staff: AdminPage, request: Request) -> Response:
    ctx = context_of(request)
    found = await incidents.listing(ctx, open_only=request.query_params.get("all") != "1")
    page = StaffIncidentsPage(
        incidents=found,
        workflow_url={i.workflow_id: ctx.settings.workflow_ui_url(i.workflow_id) for i in found},
    )
    return render(request, "staff_incidents.html", page, title="Held steps")


@router.post("/incidents/retry", response_class=HTMLResponse)
async def retry(staff: AdminPage, request: Request) -> Response:
    workflow_id = str((await request.form()).get("workflow_id", ""))[:120]
    try:
        message = await incidents.retry(context_of(request), workflow_id, by=staff.email)
    except OperationError as refused:
        return redirect(request, "/staff/incidents", notice=f"Not retried: {refused}")
    return redirect(request, "/staff/incidents", notice=message)


def refusal_words(error: Exception) -> str:
    """A refusal in one line for a notice: a form's problems by field, or the operation's."""
    if isinstance(error, ValidationError):
        return "; ".join(str(problem_from(e)) for e in error.errors())
    return str(error)


def _whole(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and len(text) < 7 else default
