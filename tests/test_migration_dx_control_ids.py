"""Migration 0010 on a database the previous release made (SQLite; PostgreSQL where the suite
has one): later copies of a site's control id in one environment go, the first stays; messages
without a control id, and the same control id in another environment or from another site,
stay; afterwards a copy cannot be recorded; it runs again harmlessly and goes down and up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from cair.store.migrate import alembic_config
from tests.helpers.migration_db import empty_database, run_on
from tests.helpers.sites_before_0009 import sites_before_0009

MIGRATION_DB = "cair_migration_0010"
NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
MESSAGES = sa.table(
    "dx_messages",
    sa.column("id", sa.Integer),
    sa.column("dx_site_id", sa.Integer),
    *(sa.column(c, sa.String) for c in ("environment", "control_id", "ack_code")),
    sa.column("findings", sa.JSON),
    sa.column("received_at", sa.DateTime(timezone=True)),
)
RECORDED = [  # id, site, environment, control id
    (1, 1, "staging", "M1"),
    (2, 1, "staging", "M1"),  # a copy: goes
    (3, 1, "staging", "M1"),  # a copy: goes
    (4, 1, "production", "M1"),  # another environment
    (5, 2, "staging", "M1"),  # another site
    (6, 1, "staging", ""),  # no control id: each kept
    (7, 1, "staging", ""),
    (8, 1, "staging", "M2"),
]
KEPT = [1, 4, 5, 6, 7, 8]


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from empty_database(request.param, tmp_path, MIGRATION_DB)


async def _messages(db: AsyncConnection) -> None:
    for row_id, site, environment, control_id in RECORDED:
        await db.execute(
            MESSAGES.insert().values(
                id=row_id,
                dx_site_id=site,
                environment=environment,
                control_id=control_id,
                ack_code="AA",
                findings=[],
                received_at=NOW,
            )
        )


async def _kept(db: AsyncConnection) -> list[int]:
    return list(await db.scalars(sa.text("select id from dx_messages order by id")))


def _insert(database: str, row_id: int, control_id: str) -> None:
    async def add(db: AsyncConnection) -> None:
        await db.execute(
            MESSAGES.insert().values(
                id=row_id,
                dx_site_id=1,
                environment="staging",
                control_id=control_id,
                ack_code="AA",
                findings=[],
                received_at=NOW,
            )
        )

    run_on(database, add)


def test_migration_0010_keeps_each_first_message_and_refuses_copies(database: str) -> None:
    command.upgrade(alembic_config(database), "0009")
    run_on(database, sites_before_0009)
    run_on(database, _messages)
    command.upgrade(alembic_config(database), "head")
    assert run_on(database, _kept) == KEPT
    with pytest.raises(IntegrityError):
        _insert(database, 9, "M2")
    _insert(database, 9, "")  # without a control id, every message is recorded
    command.upgrade(alembic_config(database), "head")  # every process migrates on start
    command.downgrade(alembic_config(database), "0009")
    command.upgrade(alembic_config(database), "head")
    assert run_on(database, _kept) == [*KEPT, 9]
