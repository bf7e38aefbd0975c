"""The floor: a school enrollment's history shape with every body a no-op.

The same Update-with-start (answered once registered), approve update, local activities,
activities, search-attribute upserts, review timer (cancelled by the approval, or never started
when the approval comes first, as in the pipeline), the account child (abandoned, waiting for
ever) and one user gate per user (abandoned, awaited; trainees wait for a training update, with
a reminder timer) as cair/workflows/enrollment.py, organization.py and user_activation.py. What
the pipeline costs above this is ours, not Temporal's. bench/floor_worker.py runs it with the
pipeline worker's tuning, sandbox and payload codec; bench/floor_run.py drives it.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from cair.temporal import search_attributes as sa

TASK_QUEUE = "bench-floor"
TIMEOUT = timedelta(seconds=20)
REVIEW_REMINDER = timedelta(days=2)  # the pipeline's first reminder: what its review waits for
TRAINING_REMINDER = timedelta(days=7)
TRAINEES = ("regular", "power")  # roles whose gate waits for training (cair/domain/access.py)


@dataclass
class FloorUser:
    user_id: str
    role: str


@dataclass
class FloorStart:
    enrollment_id: str
    request: dict[str, Any]  # the example request, so the start payload is a request's size
    users: list[FloorUser]


@dataclass
class FloorStatus:
    stage: str
    trainees: list[str] = field(default_factory=list)  # gate workflow ids awaiting training


@activity.defn(name="floor_step")
async def step(order: str) -> str:
    """Does nothing: what remains is scheduling, dispatching, encoding and recording."""
    return order


async def _remote(order: str) -> str:
    return await workflow.execute_activity(step, order, start_to_close_timeout=TIMEOUT)


async def _local(order: str) -> str:
    return await workflow.execute_local_activity(step, order, start_to_close_timeout=TIMEOUT)


def _stage(value: str) -> None:
    workflow.upsert_search_attributes([sa.ENROLLMENT_STAGE.value_set(value)])


@workflow.defn(name="BenchFloorAccount")
class FloorAccount:
    """The organization's account: four attributes, then it waits for changes that never come."""

    @workflow.run
    async def run(self, provider_id: str) -> None:
        workflow.upsert_search_attributes(
            [
                sa.PROVIDER_ID.value_set(provider_id),
                sa.ORG_TYPE.value_set("school"),
                sa.ACCESS_LEVEL.value_set("clinical"),
                sa.CAIR_REGION.value_set("floor"),
            ]
        )
        await workflow.wait_condition(lambda: False)


@workflow.defn(name="BenchFloorGate")
class FloorGate:
    """One user's gate: active at once, or after a training update."""

    @workflow.init
    def __init__(self, user: FloorUser) -> None:
        self._trained = False
        self._state = "pending_training"

    @workflow.run
    async def run(self, user: FloorUser) -> str:
        if user.role in TRAINEES:
            await _local(f"{user.user_id}/pending-training")
            await _remote(f"{user.user_id}/training-instructions")
            while not self._trained:  # the 7-day reminder, cancelled by the training update
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self._trained, timeout=TRAINING_REMINDER)
            self._state = "active"
            await _local(f"{user.user_id}/trained")
            await _remote(f"{user.user_id}/password-setup")
        else:
            self._state = "active"
            await _local(f"{user.user_id}/active")
            await _remote(f"{user.user_id}/access-ready")
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    @workflow.update
    async def training_completed(self, by: str) -> str:
        self._trained = True
        await workflow.wait_condition(lambda: self._state != "pending_training")
        return self._state

    @training_completed.validator
    def _validate_training(self, by: str) -> None:
        if self._trained or self._state != "pending_training":
            raise ValueError("the user is already active")


@workflow.defn(name="BenchFloorEnrollment")
class FloorEnrollment:
    @workflow.init
    def __init__(self, start: FloorStart) -> None:
        self._id = start.enrollment_id
        self._stage = "validating"
        self._approved = False
        self._trainees: list[str] = []

    @workflow.run
    async def run(self, start: FloorStart) -> FloorStatus:
        await _local(f"{self._id}/register")
        self._stage = "awaiting_review"
        workflow.upsert_search_attributes(
            [
                sa.CAIR_REGION.value_set("floor"),
                sa.ORG_TYPE.value_set("school"),
                sa.ACCESS_LEVEL.value_set("clinical"),
                sa.ENROLLMENT_STAGE.value_set(self._stage),
            ]
        )
        await _remote(f"{self._id}/acknowledgement")
        while not self._approved:  # the review waits for the next reminder
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._approved, timeout=REVIEW_REMINDER)
        _stage("provisioning")
        await _local(f"{self._id}/provision")
        await _remote(f"{self._id}/welcome")
        self._trainees = [
            _gate_id(self._id, n) for n, u in enumerate(start.users) if u.role in TRAINEES
        ]
        await asyncio.gather(
            self._stage_local("awaiting_training"),
            workflow.start_child_workflow(
                FloorAccount.run,
                f"P{self._id}",
                id=f"{self._id}-account",
                parent_close_policy=ParentClosePolicy.ABANDON,
            ),
            *(
                workflow.execute_child_workflow(
                    FloorGate.run,
                    user,
                    id=_gate_id(self._id, n),
                    parent_close_policy=ParentClosePolicy.ABANDON,
                )
                for n, user in enumerate(start.users)
            ),
        )
        await self._stage_local("completed")
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    async def _stage_local(self, stage: str) -> None:
        self._stage = stage
        _stage(stage)
        await _local(f"{self._id}/{stage}")

    @workflow.update
    async def registered(self) -> FloorStatus:
        """Answers the Update-with-start once registered, as ``submit``'s does."""
        await workflow.wait_condition(lambda: self._stage != "validating")
        return self.status()

    @workflow.update
    async def approve(self, by: str) -> FloorStatus:
        self._approved = True
        self._stage = "provisioning"
        return self.status()

    @approve.validator
    def _validate_approve(self, by: str) -> None:
        if self._stage != "awaiting_review":
            raise ValueError(f"cannot approve: the enrollment is {self._stage}")

    @workflow.query
    def status(self) -> FloorStatus:
        return FloorStatus(stage=self._stage, trainees=list(self._trainees))


def _gate_id(enrollment_id: str, n: int) -> str:
    return f"{enrollment_id}-user-{n}"
