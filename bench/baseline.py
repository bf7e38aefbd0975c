"""The yardstick: a workflow of eight sequential no-op activities (bench/baseline_worker.py
runs it with the pipeline worker's tuning, client and payload codec, on the same server)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow

TASK_QUEUE = "bench-baseline"
STEPS = 8


@activity.defn(name="bench_noop")
async def noop(step: int) -> int:
    """Does nothing: what remains is the cost of scheduling, dispatching and recording."""
    return step


@workflow.defn(name="BenchBaseline")
class BaselineWorkflow:
    @workflow.run
    async def run(self, name: str) -> int:
        done = 0
        for step in range(STEPS):
            done += await workflow.execute_activity(
                noop, step, start_to_close_timeout=timedelta(seconds=20)
            )
        return done
