"""Enrollment operations: submit, status, list, staff review, amend."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from temporalio.client import (
    Client,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowQueryFailedError,
)
from temporalio.common import WorkflowIDReusePolicy
from temporalio.service import RPCError

from cair.domain import ids
from cair.domain.contracts.enrollment import (
    Amendment,
    ChangeRequest,
    EnrollmentInput,
    EnrollmentStatus,
    Rejection,
    StaffDecision,
)
from cair.domain.stages import STAGE_EXPLANATIONS, Stage
from cair.domain.validation import validate_enrollment
from cair.operations.context import Context
from cair.operations.errors import Forbidden, OperationError
from cair.operations.updates import send_update
from cair.store import enrollments, links
from cair.store.enrollments import EnrollmentView
from cair.store.links import LinkPurpose, LinkRefused
from cair.workflows.enrollment import EnrollmentWorkflow


async def submit(ctx: Context, data: Any, *, wait_seconds: float = 30.0) -> EnrollmentStatus:
    """Validate (raising InvalidRequest before anything starts), start the workflow, and wait
    until it knows where the request goes (review, local representative, or duplicate)."""
    valid = validate_enrollment(data)
    enrollment_id = ids.new_enrollment_id()
    client = await ctx.temporal()
    handle = await client.start_workflow(
        EnrollmentWorkflow.run,
        EnrollmentInput(
            enrollment_id=enrollment_id,
            request=valid.request,
            activity_timeout_seconds=ctx.settings.activity_timeout_seconds,
            org_history_threshold=ctx.settings.org_history_threshold,
        ),
        id=ids.enrollment_workflow_id(enrollment_id),
        task_queue=ctx.settings.temporal_task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )
    deadline = asyncio.get_running_loop().time() + wait_seconds
    status = EnrollmentStatus(id=enrollment_id, stage=Stage.VALIDATING)
    while True:
        # Until a worker has run the first task (starting, or restarting) the query fails.
        with contextlib.suppress(RPCError, WorkflowQueryFailedError):
            status = await handle.query(EnrollmentWorkflow.status)
        if status.stage != Stage.VALIDATING or asyncio.get_running_loop().time() > deadline:
            return status
        await asyncio.sleep(0.1)


async def status(ctx: Context, enrollment_id: str) -> EnrollmentView:
    async with ctx.db.sessions() as session:
        view = await enrollments.view(session, enrollment_id)
    if view is None:
        raise OperationError(f"no enrollment {enrollment_id}")
    return view


async def listing(ctx: Context, *, stage: str | None = None) -> list[EnrollmentView]:
    if stage is not None and stage not in tuple(Stage):
        raise OperationError(f"stage: unknown stage {stage!r}; one of: {', '.join(Stage)}")
    async with ctx.db.sessions() as session:
        return await enrollments.listing(session, stage=stage)


async def approve(ctx: Context, enrollment_id: str, *, by: str) -> EnrollmentStatus:
    return await send_update(
        _handle(await ctx.temporal(), enrollment_id),
        EnrollmentWorkflow.approve,
        StaffDecision(by=by),
        missing=lambda: _closed_reason(ctx, enrollment_id, "approve"),
    )


async def reject(ctx: Context, enrollment_id: str, *, by: str, reason: str) -> EnrollmentStatus:
    return await send_update(
        _handle(await ctx.temporal(), enrollment_id),
        EnrollmentWorkflow.reject,
        Rejection(by=by, reason=reason),
        missing=lambda: _closed_reason(ctx, enrollment_id, "reject"),
    )


async def request_changes(
    ctx: Context, enrollment_id: str, *, by: str, message: str
) -> EnrollmentStatus:
    return await send_update(
        _handle(await ctx.temporal(), enrollment_id),
        EnrollmentWorkflow.request_changes,
        ChangeRequest(by=by, message=message),
        missing=lambda: _closed_reason(ctx, enrollment_id, "request changes to"),
    )


async def amend(ctx: Context, enrollment_id: str, data: Any, *, token: str) -> EnrollmentStatus:
    """The applicant's corrected request, with the secret of the changes-requested e-mail: the
    tracking id alone (read out on the phone, printed in subjects) is not enough. The link is
    used up only once the amendment is accepted."""
    refusal = "this amendment link is not valid for this enrollment; use the latest e-mail"
    async with ctx.db.sessions() as session:
        link = await links.find_usable(session, token, purpose=LinkPurpose.AMEND)
    if link is None or link.subject != enrollments.link_subject(enrollment_id):
        raise Forbidden(refusal)
    valid = validate_enrollment(data)
    status = await send_update(
        _handle(await ctx.temporal(), enrollment_id),
        EnrollmentWorkflow.amend,
        Amendment(request=valid.request),
        missing=lambda: _closed_reason(ctx, enrollment_id, "amend"),
    )
    async with ctx.db.sessions.begin() as session:
        with contextlib.suppress(LinkRefused):  # a racing second amendment was refused anyway
            await links.consume(session, token, purpose=LinkPurpose.AMEND)
    return status


async def wait_for_result(ctx: Context, enrollment_id: str) -> EnrollmentStatus:
    """Wait until the workflow ends (tests and scripts)."""
    handle = _handle(await ctx.temporal(), enrollment_id)
    try:
        return await handle.result()
    except WorkflowFailureError as failure:
        raise OperationError(f"enrollment {enrollment_id} failed: {failure.cause}") from failure


def _handle(
    client: Client, enrollment_id: str
) -> WorkflowHandle[EnrollmentWorkflow, EnrollmentStatus]:
    return client.get_workflow_handle_for(
        EnrollmentWorkflow.run, ids.enrollment_workflow_id(enrollment_id)
    )


async def _closed_reason(ctx: Context, enrollment_id: str, action: str) -> str:
    """Why an action on a finished (or unknown) enrollment cannot be taken, from the store."""
    async with ctx.db.sessions() as session:
        view = await enrollments.view(session, enrollment_id)
    if view is None:
        return f"no enrollment {enrollment_id}"
    explanation = STAGE_EXPLANATIONS.get(Stage(view.stage), f"is {view.stage}")
    return f"cannot {action} enrollment {enrollment_id}: it {explanation}"
