"""The RetentionWorkflow on the time-skipping server with the real worker and activities over
a SQLite store: a run purges what is past its period and audits each kind's count; run again it
purges nothing; once the server's clock has moved on, what has since grown old goes too.

The Schedule that starts it daily is not here: the time-skipping test server does not implement
Schedules (CreateSchedule answers "unimplemented"), so tests/test_retention_schedule.py tests it
on the Temporal dev server, where it is triggered rather than waited for."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select
from temporalio.testing import WorkflowEnvironment

from cair.domain import ids
from cair.domain.contracts.retention import (
    PurgeCounts,
    PurgedKind,
    RetentionInput,
    RetentionPeriods,
)
from cair.settings import Settings
from cair.store.database import Database
from cair.store.migrate import migrate_database
from cair.store.models import AuditRow
from cair.worker import build_worker
from cair.workflows.retention import RetentionWorkflow
from tests.helpers.codec import CODEC_KEY
from tests.helpers.retention_rows import EXPECTED, left, seed
from tests.helpers.skipping import time_skipping_server


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def rig(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[WorkflowEnvironment, Database, str]]:
    """A server of its own: this test moves its clock by most of a year, and its purge would
    reach into the rows of the other timer tests' store."""
    env = await time_skipping_server()
    tmp_path: Path = tmp_path_factory.mktemp("retention")
    settings = Settings(
        _env_file=None,
        var_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'cair.db'}",
        temporal_task_queue=f"retention-{uuid.uuid4().hex[:8]}",
        codec_key=base64.b64encode(CODEC_KEY).decode(),
    )
    await migrate_database(settings)
    db = Database(settings)
    async with build_worker(env.client, db, settings):
        yield env, db, settings.temporal_task_queue
    await db.dispose()
    await env.shutdown()


async def _run(env: WorkflowEnvironment, queue: str, n: int) -> tuple[str, PurgeCounts]:
    workflow_id = f"{ids.retention_workflow_id()}-test-{n}"  # as a Schedule's runs are named
    counts = await env.client.execute_workflow(
        RetentionWorkflow.run,
        RetentionInput(periods=RetentionPeriods(), activity_timeout_seconds=30),
        id=workflow_id,
        task_queue=queue,
        # The test server moves its clock to a finished run's timeout (its default: ten years);
        # an hour, like the Schedule's own timeout, keeps the next run's clock near.
        execution_timeout=timedelta(hours=1),
    )
    return workflow_id, counts


async def _audited(db: Database) -> list[AuditRow]:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(AuditRow).where(AuditRow.action == "retention.purged").order_by(AuditRow.id)
        )
        return list(rows)


async def test_a_run_purges_audits_and_a_rerun_purges_nothing(
    rig: tuple[WorkflowEnvironment, Database, str],
) -> None:
    env, db, queue = rig
    start = await env.get_current_time()
    seeded = await seed(db, start, "W")

    first_id, first = await _run(env, queue, 1)
    assert first == EXPECTED
    audited = await _audited(db)
    assert {(r.subject_id, (r.new_value or {})["count"]) for r in audited} == {
        (kind.value, count) for kind, count in EXPECTED.by_kind().items()
    }
    assert all(r.idempotency_key.startswith(f"retention/{first_id}/") for r in audited)
    remaining = await left(db, seeded)
    assert remaining.requests == set(seeded.kept_requests)
    assert remaining.live_site_messages == 10

    assert (await _run(env, queue, 2))[1] == PurgeCounts()
    assert len(await _audited(db)) == len(audited)  # nothing purged, nothing audited

    # Most of a year later the request rejected 100 days before the start is past its 365,
    # and the links, sessions and keys then recent are past their 30 days.
    await env.sleep(timedelta(days=270))
    assert await env.get_current_time() - start >= timedelta(days=270)
    _, third = await _run(env, queue, 3)
    assert third == PurgeCounts(
        closed_requests=1, links=2, sessions=1, idempotency_keys=1, rate_limit_attempts=1
    )
    later = await left(db, seeded)
    assert later.requests == set(seeded.kept_requests[1:])  # the approved and the open one
    assert (later.live_site_messages, later.testing_site_messages) == (10, 15)
    kinds = [r.subject_id for r in (await _audited(db))[len(audited) :]]
    assert sorted(kinds) == sorted(k.value for k in PurgedKind if k != PurgedKind.DX_MESSAGES)
