"""Applicants: submit an enrollment, follow it with the status token, amend it with the token of
the changes-requested e-mail; the JSON Schema of the request."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from cair.domain.contracts.enrollment import EnrollmentStatus
from cair.domain.request import EnrollmentRequest
from cair.operations import applicant_links, enrollments
from cair.operations.applicant_views import ApplicantView, applicant_view
from cair.operations.context import Context
from cair.web.api.schemas import AmendmentBody, EnrollmentBody, Submitted
from cair.web.identity import PUBLIC, Applicant, ClientAddress, Ctx, audience

router = APIRouter(prefix="/api/v1", tags=["applicants"])


@router.post("/enrollments", status_code=201, openapi_extra=PUBLIC)
async def submit(request: EnrollmentBody, ctx: Ctx, client: ClientAddress) -> Submitted:
    """Submit an enrollment. Every problem is answered at once, one entry per field: the
    request's shape and the rules across its fields alike. The answer holds the status token:
    the applicant's own key to the status page."""
    return await submitted(ctx, await enrollments.submit(ctx, request, client=client))


async def submitted(ctx: Context, status: EnrollmentStatus) -> Submitted:
    """Where the request went, and the applicant's own key to its status page."""
    token = await applicant_links.issue_status_token(ctx, status.id)
    return Submitted(
        id=status.id,
        stage=status.stage.value,
        note=status.note,
        status_url=f"{ctx.settings.public_base_url}/status/{token}",
        status_token=token,
    )


@router.get("/enrollments/{enrollment_id}", openapi_extra=audience("applicant"))
async def status(enrollment_id: Applicant, ctx: Ctx) -> ApplicantView:
    """Where the enrollment stands, in plain words, and what happens next."""
    return await applicant_view(ctx, enrollment_id)


@router.post("/enrollments/{enrollment_id}/amendment", openapi_extra=PUBLIC)
async def amend(enrollment_id: str, body: AmendmentBody, ctx: Ctx) -> EnrollmentStatus:
    """The corrected request, with the token of the changes-requested e-mail's link."""
    return await enrollments.amend(ctx, enrollment_id, body.request, token=body.token)


@router.get("/schema/enrollment", openapi_extra=PUBLIC)
async def schema() -> dict[str, Any]:
    """The JSON Schema of an enrollment request."""
    return EnrollmentRequest.model_json_schema()
