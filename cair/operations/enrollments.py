"""Enrollment operations: submit, status, list, staff review, amend."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from cair.domain import ids
from cair.domain.business_days import business_days_between, waited_since
from cair.domain.contracts.enrollment import (
    Amendment,
    ChangeRequest,
    EnrollmentInput,
    EnrollmentStatus,
    Rejection,
    StaffDecision,
)
from cair.domain.new_site import as_first_sent, new_site_refused
from cair.domain.problems import InvalidRequest
from cair.domain.stages import ENROLLED_STAGES, Stage, cannot
from cair.domain.validation import validate_enrollment
from cair.operations.context import Context
from cair.operations.errors import Forbidden, Invalid, NotFound, OperationError
from cair.operations.rate_limits import Limit, check_and_count
from cair.operations.workflow_updates import send_update
from cair.store import audit, enrollments, links
from cair.store.audit import AuditEntry
from cair.store.enrollments import DuplicateHint, EnrollmentView
from cair.store.links import LinkPurpose, LinkRefused
from cair.workflows.enrollment import EnrollmentWorkflow

MAX_WAITING_FILTER = 400  # business days: well over a year, past any review's deadline


async def submit(
    ctx: Context,
    data: Any,
    *,
    wait_seconds: float = 30.0,
    client: str | None = None,
    enrollment_id: str | None = None,
    new_site_of: str | None = None,
) -> EnrollmentStatus:
    """Validate (raising InvalidRequest before anything starts), start the workflow, and wait
    until it knows where the request goes (review, local representative, or duplicate): one
    Update-with-start, answered by the workflow once the request is registered.
    ``client`` (an address) is limited in how many enrollments it may start an hour. A caller
    that sends one request twice (a form posted twice) names it with ``enrollment_id``: the
    second time finds the first. ``new_site_of``: the Provider ID of the signed-in
    representative enrolling a new site (operations/new_sites.py)."""
    valid = validate_enrollment(data)
    if naming := new_site_refused(valid.request, signed_in_as=new_site_of):
        raise InvalidRequest(naming)
    if client is not None:
        async with ctx.db.sessions.begin() as session:
            await check_and_count(
                session,
                [
                    Limit(
                        "submit-client",
                        client,
                        ctx.settings.submit_limit_per_client,
                        timedelta(hours=1),
                        "too many enrollments sent from here",
                    )
                ],
            )
    enrollment_id = enrollment_id or ids.new_enrollment_id()
    temporal = await ctx.temporal()
    start = EnrollmentInput(
        enrollment_id=enrollment_id,
        request=valid.request,
        activity_timeout_seconds=ctx.settings.activity_timeout_seconds,
        org_history_threshold=ctx.settings.org_history_threshold,
        confirm_address=ctx.settings.confirm_applicant_address,
    )
    starting = WithStartWorkflowOperation(
        EnrollmentWorkflow.run,
        start,
        id=ids.enrollment_workflow_id(enrollment_id),
        task_queue=ctx.settings.temporal_task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    try:
        return await asyncio.wait_for(
            temporal.execute_update_with_start_workflow(
                EnrollmentWorkflow.registered, start_workflow_operation=starting
            ),
            wait_seconds,
        )
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        return await _status_once_started(ctx, temporal, start, 0.0)  # no worker answered yet
    except WorkflowAlreadyStartedError:
        pass  # the same request sent again after the first had finished: its status below
    except RPCError as refused:
        if refused.status != RPCStatusCode.ALREADY_EXISTS:
            raise
        # The same request again, where the server will not attach to the running workflow
        # (the time-skipping test server): its status below.
        with contextlib.suppress(Exception):  # the start's own copy of the refusal, read
            await asyncio.wait_for(starting.workflow_handle(), 1)
    except WorkflowUpdateFailedError:
        pass  # a worker of an earlier release, without the update: ask as it was asked then
    return await _status_once_started(ctx, temporal, start, wait_seconds)


async def _status_once_started(
    ctx: Context, temporal: Client, start: EnrollmentInput, wait_seconds: float
) -> EnrollmentStatus:
    """The fallback of ``submit``: make sure the workflow is started (whether the
    Update-with-start reached the server is not known after a timeout), then ask its status
    until it is routed or ``wait_seconds`` pass."""
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await temporal.start_workflow(
            EnrollmentWorkflow.run,
            start,
            id=ids.enrollment_workflow_id(start.enrollment_id),
            task_queue=ctx.settings.temporal_task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    handle = _handle(temporal, start.enrollment_id)
    deadline = asyncio.get_running_loop().time() + wait_seconds
    status = EnrollmentStatus(id=start.enrollment_id, stage=Stage.VALIDATING)
    while True:
        # Until a worker has run the first task (starting, or restarting) the query fails.
        with contextlib.suppress(RPCError, WorkflowQueryFailedError):
            status = await handle.query(EnrollmentWorkflow.status)
        if status.stage != Stage.VALIDATING or asyncio.get_running_loop().time() >= deadline:
            return status
        await asyncio.sleep(0.1)


async def status(ctx: Context, enrollment_id: str) -> EnrollmentView:
    async with ctx.db.statements() as session:
        view = await enrollments.view(session, enrollment_id)
    if view is None:
        raise NotFound(f"no enrollment {enrollment_id}")
    return view


@dataclass(frozen=True)
class QueueItem:
    view: EnrollmentView
    waiting_business_days: int


async def queue(
    ctx: Context,
    *,
    stage: str | None = None,
    region: str | None = None,
    org_type: str | None = None,
    min_business_days: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[QueueItem], int]:
    """Staff's queue: oldest first, each with how many business days it has waited."""
    if stage is not None and stage not in tuple(Stage):
        raise Invalid(f"stage: unknown stage {stage!r}; one of: {', '.join(Stage)}")
    if min_business_days is not None and not 0 <= min_business_days <= MAX_WAITING_FILTER:
        raise Invalid(f"min_business_days: from 0 to {MAX_WAITING_FILTER}")
    now = datetime.now(UTC)
    before = waited_since(now, min_business_days) if min_business_days else None
    async with ctx.db.statements() as session:
        views, total = await enrollments.listing(
            session,
            stage=stage,
            region=region,
            org_type=org_type,
            submitted_before=before,
            limit=limit,
            offset=offset,
        )
    items = [
        QueueItem(v, business_days_between(datetime.fromisoformat(v.submitted_at), now))
        for v in views
    ]
    return items, total


@dataclass(frozen=True)
class StaffEnrollment:
    """Everything staff read before deciding: the request in full, who changed in an
    amendment, enrollments that look like the same organization, and the audit trail."""

    view: EnrollmentView
    request: dict[str, Any]
    duplicate_hints: list[DuplicateHint]
    history: list[AuditEntry]


async def detail(ctx: Context, enrollment_id: str) -> StaffEnrollment:
    async with ctx.db.statements() as session:
        view = await enrollments.view(session, enrollment_id)
        row = await enrollments.get(session, enrollment_id)
        if view is None or row is None:
            raise NotFound(f"no enrollment {enrollment_id}")
        hints = await enrollments.sharing_keys(session, enrollment_id)
        history = await audit.of_subject(session, enrollment_id)
    return StaffEnrollment(view=view, request=row.request, duplicate_hints=hints, history=history)


async def approve(ctx: Context, enrollment_id: str, *, by: str) -> EnrollmentStatus:
    """Staff approve; not a request that looks like an organization enrolled meanwhile (two
    look-alikes both waited for staff, and the other was approved first)."""
    async with ctx.db.statements() as session:
        alike = await enrollments.sharing_keys(session, enrollment_id)
    enrolled = next((h for h in alike if h.stage in ENROLLED_STAGES), None)
    if enrolled is not None:
        raise OperationError(
            f"cannot approve enrollment {enrollment_id}: it looks like enrollment "
            f"{enrolled.enrollment_id} ({enrolled.org_name}), enrolled already"
            + (f" as {enrolled.provider_id}" if enrolled.provider_id else "")
            + "; reject it, or change that organization's account instead"
        )
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
    async with ctx.db.statements() as session:
        link = await links.find_usable(session, token, purpose=LinkPurpose.AMEND)
    if link is None or link.subject != enrollments.link_subject(enrollment_id):
        raise Forbidden(refusal)
    async with ctx.db.statements() as session:
        stored = await enrollments.get(session, enrollment_id)
    valid = validate_enrollment(as_first_sent(data, stored.request if stored else {}))
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
    async with ctx.db.statements() as session:
        view = await enrollments.view(session, enrollment_id)
    if view is None:
        return f"no enrollment {enrollment_id}"
    return cannot(action, enrollment_id, Stage(view.stage))
