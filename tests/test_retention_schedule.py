"""The retention Schedule on the Temporal dev server, with the real worker and activities over a
SQLite store: ``ensure_schedule`` makes it (daily 03:00 Pacific, overlap SKIP, the settings'
periods), run again it updates it in place and leaves an operator's pause alone; ``run_now``
triggers it and the purge runs, audited. It is triggered, not waited for: a day of wall-clock
time is not a test, and the time-skipping test server has no Schedules
(tests/workflows/test_retention.py tests the workflow there)."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from temporalio.api.common.v1 import Payload
from temporalio.client import (
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleOverlapPolicy,
)
from temporalio.testing import WorkflowEnvironment

from cair.domain import ids
from cair.domain.contracts.retention import RetentionInput
from cair.operations import retention
from cair.operations.context import Context
from cair.settings import Settings
from cair.store.database import Database
from cair.store.migrate import migrate_database
from cair.store.models import AuditRow
from cair.worker import build_worker
from cair.workflows.retention import RetentionWorkflow
from tests.helpers.codec import CODEC_KEY
from tests.helpers.retention_rows import EXPECTED, left, seed
from tests.helpers.waiting import eventually


async def _input(env: WorkflowEnvironment, action: ScheduleActionStartWorkflow) -> RetentionInput:
    payloads = [a for a in action.args if isinstance(a, Payload)]
    [decoded] = await env.client.data_converter.decode(payloads, [RetentionInput])
    assert isinstance(decoded, RetentionInput)
    return decoded


async def test_the_schedule_is_made_once_updated_in_place_and_runs_the_purge(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,
        var_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'cair.db'}",
        temporal_address=dev_server.client.service_client.config.target_host,
        temporal_task_queue=f"retention-{uuid.uuid4().hex[:8]}",
        codec_key=base64.b64encode(CODEC_KEY).decode(),
        activity_timeout_seconds=10,
    )
    await migrate_database(settings)
    db = Database(settings)
    ctx = Context(settings, client=dev_server.client)
    # The next release's settings: a period changed.
    changed = Context(
        settings.model_copy(update={"retention_links_days": 7}), client=dev_server.client
    )
    handle = dev_server.client.get_schedule_handle(ids.retention_schedule_id())
    try:
        async with build_worker(dev_server.client, db, settings):
            made = await retention.ensure_schedule(ctx)
            assert made.created
            described = await handle.describe()
            schedule = described.schedule
            assert schedule.spec.time_zone_name == "America/Los_Angeles"
            assert schedule.policy.overlap == ScheduleOverlapPolicy.SKIP
            pacific = described.info.next_action_times[0].astimezone(
                ZoneInfo("America/Los_Angeles")
            )
            assert (pacific.hour, pacific.minute) == (3, 0)
            action = schedule.action
            assert isinstance(action, ScheduleActionStartWorkflow)
            assert (action.workflow, action.task_queue) == (
                "RetentionWorkflow",
                ctx.settings.temporal_task_queue,
            )
            assert (await _input(dev_server, action)).periods == retention.periods_of(settings)

            # Next release: a period changed; the operator had paused the purge meanwhile.
            await handle.pause(note="operator: looking into a purge")
            again = await retention.ensure_schedule(changed)
            assert not again.created
            described = await handle.describe()
            assert described.schedule.state.paused
            updated = described.schedule.action
            assert isinstance(updated, ScheduleActionStartWorkflow)
            assert (await _input(dev_server, updated)).periods.links_days == 7
            await handle.unpause()

            seeded = await seed(db, datetime.now(UTC), "S")
            assert await retention.run_now(ctx) == ids.retention_schedule_id()

            async def started() -> str | None:
                recent = (await handle.describe()).info.recent_actions
                action = recent[-1].action if recent else None
                if isinstance(action, ScheduleActionExecutionStartWorkflow):
                    return action.workflow_id
                return None

            workflow_id = await eventually(started)
            assert workflow_id.startswith(f"{ids.retention_workflow_id()}-")
            run = dev_server.client.get_workflow_handle_for(RetentionWorkflow.run, workflow_id)
            # Links of 7 days now: the seeded ones ended 40 days ago or are still in use.
            assert await run.result() == EXPECTED
            assert (await left(db, seeded)).requests == set(seeded.kept_requests)
            async with db.sessions() as session:
                audited = await session.scalars(
                    select(AuditRow.subject_id).where(
                        AuditRow.action == "retention.purged",
                        AuditRow.idempotency_key.startswith(f"retention/{workflow_id}/"),
                    )
                )
                assert len(set(audited)) == 6
    finally:
        await handle.delete()
        await ctx.close()
        await changed.close()
        await db.dispose()
