"""Retention's purges on a real (SQLite) store: each kind past its period goes, in batches;
newer rows, open requests, approved enrollments, a site's latest outcomes and the audit log
stay; a second run deletes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest_asyncio

from cair.domain.contracts.retention import PurgeCounts
from cair.settings import Settings
from cair.store import retention
from cair.store.database import Database
from cair.store.migrate import migrate_database
from tests.helpers.retention_rows import EXPECTED, left, seed

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest_asyncio.fixture(loop_scope="session")
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    settings = Settings(_env_file=None, var_dir=tmp_path)
    await migrate_database(settings)
    database = Database(settings)
    yield database
    await database.dispose()


async def _purge(db: Database, *, batch: int) -> PurgeCounts:
    """Every kind under the default periods, as the activity runs them."""
    sessions = db.sessions
    links_before = sessions_before = NOW - timedelta(days=30)
    return PurgeCounts(
        closed_requests=await retention.closed_requests(
            sessions, NOW - timedelta(days=365), batch=batch
        ),
        dx_messages=await retention.dx_messages(sessions, NOW - timedelta(days=180), batch=batch),
        links=await retention.links(sessions, links_before, batch=batch),
        sessions=await retention.sessions_ended(sessions, sessions_before, batch=batch),
        idempotency_keys=await retention.idempotency_keys(sessions, sessions_before, batch=batch),
        rate_limit_attempts=await retention.attempts(sessions, sessions_before, batch=batch),
    )


async def test_what_is_past_its_period_goes_and_the_rest_stays(db: Database) -> None:
    seeded = await seed(db, NOW, "A")
    before = await left(db, seeded)
    # Batches of 2: every kind takes several statements, and none loses a row between them.
    assert await _purge(db, batch=2) == EXPECTED
    after = await left(db, seeded)
    assert after.requests == after.request_keys == after.emails == set(seeded.kept_requests)
    assert (before.live_site_messages, after.live_site_messages) == (15, 10)
    assert after.testing_site_messages == 15  # not live: its test plan counts every message
    assert after.audit_rows == before.audit_rows  # the audit log is never purged

    assert await _purge(db, batch=500) == PurgeCounts()  # run again: nothing more
