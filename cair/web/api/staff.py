"""Registry staff: the review queue and decisions (reviewer), training records (trainer),
account changes that raise access (reviewer), credentials and held steps (admin). The actor of
every decision is the signed-in staff member — never a typed name."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from cair.domain.contracts.credentials import Credentials
from cair.domain.contracts.enrollment import EnrollmentStatus
from cair.domain.contracts.organization import ChangeResult
from cair.domain.contracts.user_activation import ActivationStatus
from cair.domain.request import OrgType
from cair.domain.staff_roles import StaffRole
from cair.domain.stages import Stage
from cair.domain.user_states import UserState
from cair.operations import (
    account_changes,
    account_views,
    credentials,
    enrollments,
    incidents,
    staff_lists,
    users,
)
from cair.operations.enrollments import QueueItem, StaffEnrollment
from cair.store.incidents import IncidentView
from cair.store.users import UserListing
from cair.web.api.audit_export import From, Kind, To, day
from cair.web.api.schemas import (
    ExtensionBody,
    Limit,
    Message,
    MessageBody,
    Offset,
    OptionalReasonBody,
    Page,
    ReasonBody,
    RetryBody,
    TrainingBody,
    page,
)
from cair.web.identity import Admin, AnyStaff, Ctx, Reviewer, Trainer, audience

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])
REVIEWER = audience("staff", StaffRole.REVIEWER)
TRAINER = audience("staff", StaffRole.TRAINER)
ADMIN = audience("staff", StaffRole.ADMIN)


@router.get("/me", openapi_extra=audience("staff"))
async def me(staff: AnyStaff) -> dict[str, Any]:
    """Who is signed in, with which roles."""
    return {"email": staff.email, "name": staff.name, "roles": sorted(staff.roles)}


@router.get("/enrollments", openapi_extra=REVIEWER)
async def queue(
    staff: Reviewer,
    ctx: Ctx,
    stage: Stage | None = None,
    region: Annotated[str | None, Query(max_length=40)] = None,
    org_type: OrgType | None = None,
    min_business_days: Annotated[int | None, Query(ge=0, le=365)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[QueueItem]:
    """Enrollments oldest first, with how many business days each has waited."""
    items, total = await enrollments.queue(
        ctx,
        stage=stage,
        region=region,
        org_type=org_type,
        min_business_days=min_business_days,
        limit=limit,
        offset=offset,
    )
    return page(items, total=total, offset=offset, limit=limit)


@router.get("/enrollments/{enrollment_id}", openapi_extra=REVIEWER)
async def enrollment(enrollment_id: str, staff: Reviewer, ctx: Ctx) -> StaffEnrollment:
    """The request in full, contact changes of an amendment, look-alikes, its history."""
    return await enrollments.detail(ctx, enrollment_id)


@router.post("/enrollments/{enrollment_id}/approve", openapi_extra=REVIEWER)
async def approve(enrollment_id: str, staff: Reviewer, ctx: Ctx) -> EnrollmentStatus:
    return await enrollments.approve(ctx, enrollment_id, by=staff.email)


@router.post("/enrollments/{enrollment_id}/reject", openapi_extra=REVIEWER)
async def reject(
    enrollment_id: str, body: ReasonBody, staff: Reviewer, ctx: Ctx
) -> EnrollmentStatus:
    """With a reason the applicant can act on."""
    return await enrollments.reject(ctx, enrollment_id, by=staff.email, reason=body.reason)


@router.post("/enrollments/{enrollment_id}/request-changes", openapi_extra=REVIEWER)
async def request_changes(
    enrollment_id: str, body: MessageBody, staff: Reviewer, ctx: Ctx
) -> EnrollmentStatus:
    """The applicant gets the message and a link to amend."""
    return await enrollments.request_changes(
        ctx, enrollment_id, by=staff.email, message=body.message
    )


@router.get("/users", openapi_extra=TRAINER)
async def user_listing(
    staff: Trainer,
    ctx: Ctx,
    state: UserState | None = None,
    provider_id: Annotated[str | None, Query(max_length=20)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[UserListing]:
    """Users across organizations, e.g. ``state=pending_training``: whom to record training for."""
    found, total = await staff_lists.user_listing(
        ctx, state=state, provider_id=provider_id, limit=limit, offset=offset
    )
    return page(found, total=total, offset=offset, limit=limit)


@router.post("/users/{user_id}/training", openapi_extra=TRAINER)
async def record_training(
    user_id: str, body: TrainingBody, staff: Trainer, ctx: Ctx
) -> ActivationStatus:
    """The user trained (webinar or in person): access opens, the password e-mail goes out."""
    return await users.training_complete(ctx, user_id, kind=body.kind, by=staff.email, on=body.date)


@router.post("/users/{user_id}/training-deadline", openapi_extra=TRAINER)
async def extend_deadline(
    user_id: str, body: ExtensionBody, staff: Trainer, ctx: Ctx
) -> ActivationStatus:
    """More days to train."""
    return await users.training_extend(ctx, user_id, days=body.days, by=staff.email)


@router.get("/changes", openapi_extra=REVIEWER)
async def pending_changes(
    staff: Reviewer, ctx: Ctx, limit: Limit = 50, offset: Offset = 0
) -> Page[dict[str, Any]]:
    """Account changes that wait for a decision (a raise, a new provider of record, closing
    an organization), oldest first."""
    found, total = await staff_lists.pending_changes(ctx, limit=limit, offset=offset)
    return page(found, total=total, offset=offset, limit=limit)


@router.post("/organizations/{provider_id}/changes/{change_id}/approve", openapi_extra=REVIEWER)
async def approve_change(
    provider_id: str, change_id: str, staff: Reviewer, ctx: Ctx
) -> ChangeResult:
    return await account_changes.decide(
        ctx, change_id, approve=True, by=staff.email, provider_id=provider_id
    )


@router.post("/organizations/{provider_id}/changes/{change_id}/reject", openapi_extra=REVIEWER)
async def reject_change(
    provider_id: str, change_id: str, body: OptionalReasonBody, staff: Reviewer, ctx: Ctx
) -> ChangeResult:
    return await account_changes.decide(
        ctx, change_id, approve=False, by=staff.email, reason=body.reason, provider_id=provider_id
    )


@router.get("/organizations/{provider_id}", openapi_extra=REVIEWER)
async def organization(provider_id: str, staff: Reviewer, ctx: Ctx) -> dict[str, Any]:
    return await account_views.show(ctx, provider_id)


@router.get("/organizations/{provider_id}/audit", openapi_extra=REVIEWER)
async def organization_audit(
    provider_id: str, staff: Reviewer, ctx: Ctx, limit: Limit = 50, offset: Offset = 0
) -> Page[dict[str, Any]]:
    """The organization's audit trail, newest first."""
    found, total = await staff_lists.organization_audit(
        ctx, provider_id, limit=limit, offset=offset
    )
    return page(found, total=total, offset=offset, limit=limit)


@router.get("/audit", openapi_extra=REVIEWER)
async def registry_audit(
    staff: Reviewer,
    ctx: Ctx,
    since: From = None,
    until: To = None,
    kind: Kind = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[dict[str, Any]]:
    """The registry's audit trail, newest first, by Pacific dates (both whole) and kind (an
    action, ``staff.removed``, or its family, ``staff``)."""
    chosen = staff_lists.audit_filter(since=day(since, "from"), until=day(until, "to"), kind=kind)
    found, total = await staff_lists.audit_entries(ctx, chosen, limit=limit, offset=offset)
    return page(found, total=total, offset=offset, limit=limit)


@router.post("/organizations/{provider_id}/credentials", openapi_extra=ADMIN)
async def reissue_credentials(provider_id: str, staff: Admin, ctx: Ctx) -> Credentials:
    """New data-exchange credentials; the old secret stops working; the contact gets a link."""
    return await credentials.reissue(ctx, provider_id, by=staff.email)


@router.get("/incidents", openapi_extra=ADMIN)
async def incident_listing(
    staff: Admin, ctx: Ctx, include_resolved: bool = False, limit: Limit = 50, offset: Offset = 0
) -> Page[IncidentView]:
    """Steps that failed for good and wait for staff, oldest first."""
    found, total = await staff_lists.held_steps(
        ctx, open_only=not include_resolved, limit=limit, offset=offset
    )
    return page(found, total=total, offset=offset, limit=limit)


@router.post("/incidents/retry", openapi_extra=ADMIN)
async def retry(body: RetryBody, staff: Admin, ctx: Ctx) -> Message:
    """Run a held step again once its cause is mended."""
    return Message(message=await incidents.retry(ctx, body.workflow_id, by=staff.email))
