"""Temporal is no side door: a client without the service's payload key — anyone who reaches
the Temporal frontend — cannot approve an enrollment or start one. The worker refuses what is
not sealed with the key, and the workflow goes on as if nothing had come: still awaiting review,
still approvable by staff, no workflow task failing over and over."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import select
from temporalio.api.enums.v1 import EventType
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowUpdateFailedError,
    WorkflowUpdateStage,
)
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError

from cair.domain import ids
from cair.domain.contracts.enrollment import EnrollmentInput, StaffDecision
from cair.domain.request import EnrollmentRequest
from cair.operations import enrollments
from cair.operations.context import Context
from cair.store.models import EnrollmentRequestRow
from cair.workflows.enrollment import EnrollmentWorkflow
from tests.helpers.examples import variant
from tests.helpers.stack import Stack
from tests.helpers.staff import staff_session
from tests.helpers.waiting import eventually


async def _keyless_client(stack: Stack) -> Client:
    """A client as anyone reaching the frontend has one: the plain data converter, no codec."""
    return await Client.connect(
        stack.settings.temporal_address,
        namespace=stack.settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )


async def _events(ctx: Context, workflow_id: str, kind: EventType.ValueType) -> int:
    handle = (await ctx.temporal()).get_workflow_handle(workflow_id)
    return len([e async for e in handle.fetch_history_events() if e.event_type == kind])


TASK_FAILED = EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
UPDATE_ACCEPTED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED


async def test_a_plaintext_approval_is_refused_and_staff_still_decide(
    stack: Stack, ctx: Context
) -> None:
    submitted = await enrollments.submit(
        ctx, variant("clinic", "SideDoor", email_domain="side-door.example")
    )
    assert submitted.stage == "awaiting_review"
    workflow_id = ids.enrollment_workflow_id(submitted.id)
    outsider = await _keyless_client(stack)
    handle = outsider.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
    accepted = await _events(ctx, workflow_id, UPDATE_ACCEPTED)  # submit's own update

    update = await handle.start_update(
        EnrollmentWorkflow.approve,
        StaffDecision(by="Mallory"),
        wait_for_stage=WorkflowUpdateStage.COMPLETED,
    )
    assert await _events(ctx, workflow_id, UPDATE_ACCEPTED) == accepted
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await update.result()
    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.type == "UnsealedPayload"

    assert (await enrollments.status(ctx, submitted.id)).stage == "awaiting_review"
    service = (await ctx.temporal()).get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
    assert (await service.query(EnrollmentWorkflow.status)).stage == "awaiting_review"
    reviewer = await staff_session(stack, ctx, "side.door@cair.test", "reviewer")
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
        approved = await api.post(
            f"/api/v1/staff/enrollments/{submitted.id}/approve",
            headers={"Authorization": f"Bearer {reviewer}"},
        )
    assert approved.status_code == 200, approved.text
    assert approved.json()["stage"] == "provisioning"
    async with ctx.db.sessions() as session:
        row = await session.get(EnrollmentRequestRow, submitted.id)
        assert row is not None and row.decided_by == "side.door@cair.test"
    assert await _events(ctx, workflow_id, TASK_FAILED) == 0


def _forged_request() -> EnrollmentRequest:
    """A well-formed request naming no one real (the history-privacy test reads every history,
    and this one's input stands there in plain)."""
    text = json.dumps(variant("school", "SideDoorStart", email_domain="side-door-start.example"))
    for real, forged in (("Maya", "Forged"), ("Singh", "Stranger"), ("707-555-0101", "")):
        text = text.replace(real, forged)
    data = json.loads(text)
    data["contacts"]["primary"]["phone"] = "916-555-0199"
    return EnrollmentRequest.model_validate(data)


async def test_a_plaintext_start_fails_at_once_and_registers_nothing(
    stack: Stack, ctx: Context
) -> None:
    enrollment_id = ids.new_enrollment_id()
    workflow_id = ids.enrollment_workflow_id(enrollment_id)
    outsider = await _keyless_client(stack)
    await outsider.start_workflow(
        EnrollmentWorkflow.run,
        EnrollmentInput(enrollment_id=enrollment_id, request=_forged_request()),
        id=workflow_id,
        task_queue=stack.settings.temporal_task_queue,
    )
    service = (await ctx.temporal()).get_workflow_handle(workflow_id)

    async def ended() -> WorkflowExecutionStatus | None:
        status = (await service.describe()).status
        return status if status != WorkflowExecutionStatus.RUNNING else None

    assert await eventually(ended) == WorkflowExecutionStatus.FAILED
    with pytest.raises(WorkflowFailureError) as failed:
        await service.result()
    assert "not sealed with the service's key" in str(failed.value.cause)
    assert await _events(ctx, workflow_id, TASK_FAILED) == 0
    async with ctx.db.sessions() as session:
        assert (
            await session.scalar(
                select(EnrollmentRequestRow).where(EnrollmentRequestRow.id == enrollment_id)
            )
            is None
        )
