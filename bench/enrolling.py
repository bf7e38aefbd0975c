"""Enrollments as people make them, driven through the operations layer: submitted, approved,
each user's training recorded, until the workflow completes; the baseline's workflow; and
enrollments held on training, then drained."""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from bench import baseline
from bench.histories import idle
from bench.processes import rss_mb
from bench.requests import clinic_waiting
from bench.rig import Rig, gathered
from cair.domain import ids
from cair.domain.contracts.enrollment import EnrollmentStatus
from cair.domain.stages import Stage
from cair.domain.user_states import UserState
from cair.operations import enrollments, users
from cair.operations.context import Context
from cair.workflows.enrollment import EnrollmentWorkflow

T = TypeVar("T")


@dataclass
class Timing:
    acknowledged: float  # submit → acknowledgement e-mail in the outbox
    welcomed: float  # approve → welcome e-mail in the outbox
    whole: float  # submit → completed


async def enroll(
    rig: Rig, data: dict[str, Any], *, as_staff_see_it: bool = False
) -> tuple[Timing, str]:
    """One enrollment as people make it: submitted, approved by staff, each user's training
    recorded, until the workflow completes. ``as_staff_see_it``: approved only once the
    acknowledgement's step is done (for counting a history's events)."""
    ctx = rig.ctx
    started = time.perf_counter()
    submitted = await enrollments.submit(ctx, data)
    acknowledged = await rig.mail_of(f"{submitted.id}/acknowledgement")
    if as_staff_see_it:
        client = await ctx.temporal()
        await idle(client.get_workflow_handle(ids.enrollment_workflow_id(submitted.id)))
    approving = time.perf_counter()
    await enrollments.approve(ctx, submitted.id, by="Benchmark Staff")
    welcomed = await rig.mail_of(f"{submitted.id}/welcome")
    status = await _settled(ctx, submitted.id)
    for user in status.users:
        if user.state == UserState.PENDING_TRAINING:
            await _retrying(partial(trained, ctx, user.user_id))
    result = await enrollments.wait_for_result(ctx, submitted.id)
    assert result.stage == Stage.COMPLETED, result
    timing = Timing(acknowledged - started, welcomed - approving, time.perf_counter() - started)
    return timing, submitted.id


async def trained(ctx: Context, user_id: str) -> object:
    return await users.training_complete(ctx, user_id, kind="webinar", by="Benchmark Staff")


async def _settled(ctx: Context, enrollment_id: str) -> EnrollmentStatus:
    """The workflow's status once the account exists and its users are known."""
    client = await ctx.temporal()
    handle = client.get_workflow_handle_for(
        EnrollmentWorkflow.run, ids.enrollment_workflow_id(enrollment_id)
    )
    while True:
        status = await handle.query(EnrollmentWorkflow.status)
        if status.stage in (Stage.AWAITING_TRAINING, Stage.COMPLETED):
            return status
        await asyncio.sleep(0.02)


async def _retrying(call: Callable[[], Awaitable[T]], attempts: int = 50) -> T:
    """A user gate may still be starting when its training is recorded: try again shortly."""
    for _ in range(attempts - 1):
        try:
            return await call()
        except Exception:  # noqa: BLE001 - the last attempt raises
            await asyncio.sleep(0.05)
    return await call()


async def run_baseline(rig: Rig, index: int) -> int:
    client = await rig.ctx.temporal()
    return await client.execute_workflow(
        baseline.BaselineWorkflow.run,
        f"b{index}",
        id=f"bench-baseline-{index}-{secrets.token_hex(4)}",
        task_queue=baseline.TASK_QUEUE,
    )


async def hold_and_drain(rig: Rig, count: int, concurrency: int, run: str) -> dict[str, float]:
    """``count`` enrollments each with one user waiting on training; memory at the peak; then
    every training recorded and the time until every enrollment completed."""
    ctx = rig.ctx

    async def hold(index: int) -> tuple[str, str]:
        submitted = await enrollments.submit(ctx, clinic_waiting(f"wait-{run}-{index}"))
        await enrollments.approve(ctx, submitted.id, by="Benchmark Staff")
        status = await _settled(ctx, submitted.id)
        (user,) = status.users
        return submitted.id, user.user_id

    held, fill = await gathered(rig, f"{count} enrollments to hold", count, concurrency, hold)
    await asyncio.sleep(5)  # let the worker settle before reading memory
    assert rig.server.pid is not None
    memory = {
        "worker_rss": sum(rss_mb(w.pid) for w in rig.pipeline_workers()),
        "server_rss": rss_mb(rig.server.pid),
    }
    print(
        f"held {count} in {fill:.0f} s: worker RSS {memory['worker_rss']:.0f} MiB, server RSS "
        f"{memory['server_rss']:.0f} MiB",
        file=sys.stderr,
        flush=True,
    )  # a long run's first half

    async def drain(index: int) -> None:
        enrollment_id, user_id = held[index]
        await _retrying(partial(trained, ctx, user_id))
        assert (await enrollments.wait_for_result(ctx, enrollment_id)).stage == Stage.COMPLETED

    _, drained = await gathered(rig, f"{count} trainings recorded", count, concurrency, drain)
    return {**memory, "fill": fill, "drain": drained}
