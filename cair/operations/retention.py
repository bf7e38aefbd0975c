"""The retention Schedule (docs/operations.md, "Retention"): made, or brought up to date, by an
operator (``cair retention schedule``, a release step; ``cair dev`` runs it too), not by every
worker at start. Workers are many and start at any time: each would write the Schedule, an old
release's worker rolling out last would write its periods back, and deleting personal data is
a decision the operator takes with the release, not a side effect of scaling out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from temporalio.client import (
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError, RPCStatusCode

from cair.domain import ids
from cair.domain.contracts.retention import RetentionInput, RetentionPeriods
from cair.operations.context import Context
from cair.operations.errors import NotFound
from cair.settings import Settings
from cair.workflows.retention import RetentionWorkflow

# Daily at 03:00 in California (PST or PDT as the date falls): the quietest hour.
TIME_ZONE = "America/Los_Angeles"
HOUR = 3
# Temporal down at 03:00: run once when it is back, if within the day; else wait for the next.
CATCHUP = timedelta(days=1)


@dataclass(frozen=True)
class ScheduleOutcome:
    schedule_id: str
    created: bool  # False: it existed and now carries these periods
    periods: RetentionPeriods


def periods_of(settings: Settings) -> RetentionPeriods:
    return RetentionPeriods(
        closed_requests_days=settings.retention_closed_requests_days,
        dx_messages_days=settings.retention_dx_messages_days,
        links_days=settings.retention_links_days,
        sessions_days=settings.retention_sessions_days,
    )


def schedule_of(settings: Settings) -> Schedule:
    """Daily at 03:00 Pacific; a run still going at the next is left alone (SKIP)."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            RetentionWorkflow.run,
            RetentionInput(periods=periods_of(settings)),
            id=ids.retention_workflow_id(),
            task_queue=settings.temporal_task_queue,
            execution_timeout=timedelta(hours=12),
        ),
        spec=ScheduleSpec(
            calendars=[ScheduleCalendarSpec(hour=[ScheduleRange(HOUR)], comment="daily purge")],
            time_zone_name=TIME_ZONE,
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=CATCHUP),
    )


async def ensure_schedule(ctx: Context) -> ScheduleOutcome:
    """Create the Schedule, or update the one there to this release's periods and task queue.
    Run again, it changes nothing; a pause an operator set (``temporal schedule toggle``)
    stays."""
    client = await ctx.temporal()
    wanted = schedule_of(ctx.settings)
    schedule_id = ids.retention_schedule_id()
    try:
        await client.create_schedule(schedule_id, wanted)
        created = True
    except ScheduleAlreadyRunningError:

        def keep_state(found: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(replace(wanted, state=found.description.schedule.state))

        await client.get_schedule_handle(schedule_id).update(keep_state)
        created = False
    return ScheduleOutcome(schedule_id, created, periods_of(ctx.settings))


async def run_now(ctx: Context) -> str:
    """Start one run now, as the Schedule would (its overlap policy: one running is enough).
    Returns the Schedule's id."""
    client = await ctx.temporal()
    schedule_id = ids.retention_schedule_id()
    try:
        await client.get_schedule_handle(schedule_id).trigger()
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        raise NotFound(f"no schedule {schedule_id}: run `cair retention schedule` first") from error
    return schedule_id
