"""Driving the floor (bench/floor.py) as bench/side_by_side.py drives the pipeline, and
printing its history beside a school enrollment's, event type by event type."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections import Counter
from typing import Any

from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.service import RPCError

from bench.floor import TASK_QUEUE, FloorEnrollment, FloorGate, FloorStart, FloorStatus, FloorUser
from bench.histories import idle

# The pipeline's workflow types and the floor's that stand for them.
PAIRS = (
    ("EnrollmentWorkflow", "BenchFloorEnrollment", "enrollment"),
    ("OrganizationWorkflow", "BenchFloorAccount", "account"),
    ("UserActivationWorkflow", "BenchFloorGate", "user gate"),
)


def floor_start(request: dict[str, Any], index: int) -> FloorStart:
    """The example's request and its users' roles, under a new id."""
    users = [FloorUser(user_id=f"u{n}", role=u["role"]) for n, u in enumerate(request["users"])]
    name = f"bench-floor-{index}-{secrets.token_hex(4)}"
    return FloorStart(enrollment_id=name, request=request, users=users)


async def enroll(client: Client, start: FloorStart, *, as_staff_see_it: bool = False) -> str:
    """Update-with-start, the approve update, a status query until settled, each trainee's
    training update, then the result: the pipeline's enrollment, less its e-mail waits.
    ``as_staff_see_it``: approved once nothing is pending, as the pipeline's examples are."""
    starting = WithStartWorkflowOperation(
        FloorEnrollment.run,
        start,
        id=start.enrollment_id,
        task_queue=TASK_QUEUE,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    await client.execute_update_with_start_workflow(
        FloorEnrollment.registered, start_workflow_operation=starting
    )
    handle = client.get_workflow_handle_for(FloorEnrollment.run, start.enrollment_id)
    if as_staff_see_it:
        await idle(handle)
    await handle.execute_update(FloorEnrollment.approve, "Benchmark Staff", id=str(uuid.uuid4()))
    status = await handle.query(FloorEnrollment.status)
    while status.stage not in ("awaiting_training", "completed"):
        await asyncio.sleep(0.02)
        status = await handle.query(FloorEnrollment.status)
    for gate_id in status.trainees:
        await _trained(client, gate_id)
    result: FloorStatus = await handle.result()
    assert result.stage == "completed", result
    return start.enrollment_id


async def _trained(client: Client, gate_id: str) -> None:
    """A gate may still be starting when its training is recorded: try again shortly."""
    gate = client.get_workflow_handle_for(FloorGate.run, gate_id)
    for _ in range(49):
        try:
            await gate.execute_update(FloorGate.training_completed, "Benchmark Staff")
            return
        except RPCError:
            await asyncio.sleep(0.05)
    await gate.execute_update(FloorGate.training_completed, "Benchmark Staff")


def compared(
    pipeline: dict[str, Counter[str]], floor: dict[str, Counter[str]]
) -> list[tuple[str, list[int]]]:
    """Rows of (event type, [pipeline, floor] per pair), then the totals."""
    pairs = [(pipeline.get(p, Counter()), floor.get(f, Counter())) for p, f, _ in PAIRS]
    kinds = sorted({kind for p, f in pairs for kind in (*p, *f)})
    rows = [(kind, [n for p, f in pairs for n in (p[kind], f[kind])]) for kind in kinds]
    totals = [n for p, f in pairs for n in (sum(p.values()), sum(f.values()))]
    return [*rows, ("all events", totals)]


def shape_lines(pipeline: dict[str, Counter[str]], floor: dict[str, Counter[str]]) -> list[str]:
    """The comparison as text: pipeline/floor counts side by side, differences marked."""
    head = "".join(f"{label:>16}" for _, _, label in PAIRS)
    lines = [f"  {'event type (pipeline / floor)':<40}{head}"]
    for kind, counts in compared(pipeline, floor):
        cells = ""
        for n in range(0, len(counts), 2):
            mark = " " if counts[n] == counts[n + 1] else "*"
            cells += f"{counts[n]:>9} / {counts[n + 1]:<3}{mark} "
        lines.append(f"  {kind:<40}{cells}")
    return lines
