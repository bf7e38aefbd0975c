"""RetentionWorkflow: one purge of what is past its retention period, started daily by the
``retention`` Schedule (``cair retention schedule``; ``cair retention run-now`` starts one at
once). Short and stateless: it reads the clock, asks one activity to purge before the cut-offs,
and returns the counts. The periods are its input, written into the Schedule from the settings,
so a changed setting applies from the next run."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from cair.domain.contracts.retention import PurgeCounts, PurgeOrder, RetentionInput
    from cair.workflows.steps import Steps


@workflow.defn
class RetentionWorkflow:
    @workflow.run
    async def run(self, start: RetentionInput) -> PurgeCounts:
        now = workflow.now()
        periods = start.periods
        # Without ``on_failure``: a purge that fails for good fails this run; tomorrow's tries
        # again, and nothing waits on it meanwhile.
        steps = Steps(timeout_seconds=start.activity_timeout_seconds)
        return await steps.purge_expired(
            PurgeOrder(
                run_key=workflow.info().workflow_id,
                closed_requests_before=now - timedelta(days=periods.closed_requests_days),
                dx_messages_before=now - timedelta(days=periods.dx_messages_days),
                links_before=now - timedelta(days=periods.links_days),
                sessions_before=now - timedelta(days=periods.sessions_days),
            )
        )
