"""Migration 0009 on a database the previous release made (SQLite; PostgreSQL where the suite
has one): the links staff already approved for production are recorded as accepted, every other
link of another organization's site waits, a site of the facility's own organization needs no
row; it runs again harmlessly and goes down and up again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import AsyncConnection

from cair.store.migrate import alembic_config
from tests.helpers.migration_db import empty_database, run_on
from tests.helpers.sites_before_0009 import sites_before_0009

MIGRATION_DB = "cair_migration_0009"


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from empty_database(request.param, tmp_path, MIGRATION_DB)


async def _consents(db: AsyncConnection) -> list[tuple[Any, ...]]:
    rows = await db.execute(
        sa.text(
            "select client_dx_site_id, facility_site_id, state, decided_by "
            "from dx_facility_consents order by id"
        )
    )
    return [tuple(r) for r in rows.all()]


def test_migration_0009_keeps_the_links_staff_approved_and_holds_the_others(
    database: str,
) -> None:
    command.upgrade(alembic_config(database), "0008")
    run_on(database, sites_before_0009)
    command.upgrade(alembic_config(database), "head")
    approved = [
        (3, "CA100001-01", "accepted", "migration 0009 (approved for production before consent)")
    ]
    assert run_on(database, _consents) == approved
    command.upgrade(alembic_config(database), "head")  # every process migrates on start
    assert run_on(database, _consents) == approved
    command.downgrade(alembic_config(database), "0008")
    command.upgrade(alembic_config(database), "head")
    assert run_on(database, _consents) == approved
