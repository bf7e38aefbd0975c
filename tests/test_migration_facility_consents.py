"""Migration 0009 on a database the previous release made (SQLite; PostgreSQL where the suite
has one): the links staff already approved for production are recorded as accepted, every other
link of another organization's site waits, a site of the facility's own organization needs no
row; it runs again harmlessly and goes down and up again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import AsyncConnection

from cair.store.migrate import alembic_config
from tests.helpers.migration_db import empty_database, run_on

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
MIGRATION_DB = "cair_migration_0009"
S, J, D, N = sa.String, sa.JSON, sa.DateTime(timezone=True), sa.Integer
ENROLLMENTS = sa.table(
    "enrollment_requests",
    *(sa.column(c, S) for c in ("id", "stage", "org_name", "org_type", "county", "region")),
    sa.column("access_level", S),
    sa.column("request", J),
    sa.column("submitted_at", D),
    sa.column("updated_at", D),
)
ORGANIZATIONS = sa.table(
    "organizations",
    sa.column("id", N),
    *(sa.column(c, S) for c in ("provider_id", "enrollment_id", "name", "org_type", "county")),
    sa.column("region", S),
    sa.column("access_level", S),
    sa.column("contacts", J),
    sa.column("info", J),
    sa.column("created_at", D),
    sa.column("updated_at", D),
)
DX_SITES = sa.table(
    "dx_sites",
    sa.column("id", N),
    sa.column("organization_id", N),
    *(sa.column(c, S) for c in ("site_id", "registration_key", "sending_facility_id")),
    sa.column("role", N),
    *(sa.column(c, S) for c in ("site_name", "county", "region", "stage", "registered_by")),
    sa.column("registration", J),
    sa.column("representative_id", N),
    sa.column("created_at", D),
    sa.column("stage_changed_at", D),
)
SITES = (  # id, organization, Site ID, role, stage
    (1, 1, "CA100001-01", 3, "live"),  # the Sending Facility
    (2, 1, "CA100001-02", 2, "live"),  # its own organization's client
    (3, 2, "CA100002-01", 2, "live"),  # another organization's, approved for production
    (4, 2, "CA100002-02", 2, "testing"),  # another organization's, still testing
)


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from empty_database(request.param, tmp_path, MIGRATION_DB)


async def _previous_rows(db: AsyncConnection) -> None:
    common = {"org_type": "healthcare_provider", "county": "Fresno", "region": "central_valley"}
    common |= {"access_level": "data_exchange"}
    for n in (1, 2):
        await db.execute(
            ENROLLMENTS.insert().values(
                id=f"EN{n}",
                stage="completed",
                org_name=f"Org {n}",
                request={},
                submitted_at=NOW,
                updated_at=NOW,
                **common,
            )
        )
        await db.execute(
            ORGANIZATIONS.insert().values(
                id=n,
                provider_id=f"CA10000{n}",
                enrollment_id=f"EN{n}",
                name=f"Org {n}",
                contacts={},
                info={},
                created_at=NOW,
                updated_at=NOW,
                **common,
            )
        )
    for row_id, org, site_id, role, stage in SITES:
        await db.execute(
            DX_SITES.insert().values(
                id=row_id,
                organization_id=org,
                site_id=site_id,
                registration_key=f"key/{site_id}",
                sending_facility_id="CA100001-01",
                role=role,
                site_name=f"Site {site_id}",
                county="Fresno",
                region="central_valley",
                stage=stage,
                registered_by="rep@example.test",
                registration={},
                representative_id=1,
                created_at=NOW,
                stage_changed_at=NOW,
            )
        )


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
    run_on(database, _previous_rows)
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
