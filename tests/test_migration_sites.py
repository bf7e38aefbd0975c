"""Migration 0006 on a database the previous release made, with rows in it, on SQLite and on
PostgreSQL: an organization that was issued enrollment-level credentials (which opened nothing)
and one with a site registered at the IZ Portal under the old id scheme. After it, every site is
a site row with its Site ID, the old credentials and their unused links are revoked, and the
first site waits for its onboarding (``cair start-onboarding``) to be issued staging
credentials."""

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
ADDRESS = {"line1": "3300 E Tulare St", "city": "Fresno", "state": "CA", "zip": "93702"}
REGISTRATION = {
    "site_name": "Clinic 2 East",
    "physical_address": {"line1": "1 East St", "city": "Fresno", "state": "CA", "zip": "93701"},
    "site_contact": {"first_name": "Al", "last_name": "Ng", "email": "al@clinic.example"},
}
MIGRATION_DB = "cair_migration_0006"


def _table(table: str, **columns: Any) -> sa.TableClause:
    return sa.table(table, *(sa.column(key, kind) for key, kind in columns.items()))


S, J, B, D, N = sa.String, sa.JSON, sa.Boolean, sa.DateTime(timezone=True), sa.Integer
ENROLLMENTS = _table(
    "enrollment_requests",
    id=S,
    stage=S,
    org_name=S,
    org_type=S,
    county=S,
    region=S,
    access_level=S,
    request=J,
    provider_id=S,
    submitted_at=D,
    updated_at=D,
)
ORGANIZATIONS = _table(
    "organizations",
    id=N,
    provider_id=S,
    enrollment_id=S,
    name=S,
    org_type=S,
    county=S,
    region=S,
    access_level=S,
    contacts=J,
    info=J,
    created_at=D,
    updated_at=D,
)
SITES = _table("sites", organization_id=N, facility_id=S, physical_address=J)
REPRESENTATIVES = _table(
    "representatives",
    organization_id=N,
    email=S,
    name=S,
    active=B,
    named_by=S,
    created_at=D,
    source=S,
)
CREDENTIALS = _table(
    "credentials",
    id=N,
    organization_id=N,
    issue_key=S,
    username=S,
    facility_id=S,
    secret_hash=S,
    sealed_secret=S,
    active=B,
    issued_by=S,
    created_at=D,
)
LINKS = _table(
    "link_tokens", token_hash=S, purpose=S, subject=S, issue_key=S, expires_at=D, created_at=D
)
DX_SITES = _table(
    "dx_sites",
    organization_id=N,
    site_id=S,
    registration_key=S,
    role=N,
    site_name=S,
    county=S,
    region=S,
    registration=J,
    stage=S,
    registered_by=S,
    representative_id=N,
    created_at=D,
    stage_changed_at=D,
)


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from empty_database(request.param, tmp_path, MIGRATION_DB)


async def _previous_rows(db: AsyncConnection) -> None:
    for n, (provider, level) in enumerate(
        (("CA100001", "data_exchange"), ("CA100002", "clinical")), 1
    ):
        common = {"county": "Fresno", "region": "central_valley", "access_level": level}
        await db.execute(
            ENROLLMENTS.insert().values(
                id=f"EN{n}",
                stage="completed",
                org_name=f"Clinic {n}",
                org_type="healthcare_provider",
                request={},
                provider_id=provider,
                submitted_at=NOW,
                updated_at=NOW,
                **common,
            )
        )
        await db.execute(
            ORGANIZATIONS.insert().values(
                id=n,
                provider_id=provider,
                enrollment_id=f"EN{n}",
                name=f"Clinic {n}",
                org_type="healthcare_provider",
                contacts={},
                info={},
                created_at=NOW,
                updated_at=NOW,
                **common,
            )
        )
        await db.execute(
            SITES.insert().values(
                organization_id=n, facility_id=f"{provider}-01", physical_address=ADDRESS
            )
        )
        await db.execute(
            REPRESENTATIVES.insert().values(
                organization_id=n,
                email=f"rep{n}@clinic.example",
                name="Pat Rep",
                active=True,
                named_by="enrollment",
                created_at=NOW,
                source="primary_contact",
            )
        )
    # CA100001: enrollment-level credentials, with an unused reveal link.
    await db.execute(
        CREDENTIALS.insert().values(
            id=7,
            organization_id=1,
            issue_key="EN1/credentials",
            username="dxca100001",
            facility_id="CA100001-01",
            secret_hash="$argon2id$x",
            sealed_secret="sealed",
            active=True,
            issued_by="enrollment",
            created_at=NOW,
        )
    )
    await db.execute(
        LINKS.insert().values(
            token_hash="h1",
            purpose="credential_reveal",
            subject="credential:7",
            issue_key="k1",
            expires_at=NOW,
            created_at=NOW,
        )
    )
    # CA100002: a site registered at the IZ Portal as S100001, live with its EHR.
    await db.execute(
        DX_SITES.insert().values(
            organization_id=2,
            site_id="S100001",
            registration_key="DXkey",
            role=1,
            site_name="Clinic 2 East",
            county="Fresno",
            region="central_valley",
            registration=REGISTRATION,
            stage="live",
            registered_by="rep2@clinic.example",
            representative_id=2,
            created_at=NOW,
            stage_changed_at=NOW,
        )
    )


async def _after(db: AsyncConnection) -> dict[str, Any]:
    async def rows(query: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in (await db.execute(sa.text(query))).all()]

    return {
        "sites": await rows(
            "select s.facility_id, s.name, s.county, s.region, o.provider_id from sites s "
            "join organizations o on o.id = s.organization_id order by s.id"
        ),
        "registered": await rows(
            "select d.site_id, s.facility_id, d.stage, d.role, d.registered_by from dx_sites d "
            "join sites s on s.id = d.site_row_id order by d.id"
        ),
        "credential": await rows(
            "select active, sealed_secret, revoked_at is not null from credentials where id = 7"
        ),
        "link": await rows("select revoked_at is not null from link_tokens"),
        "audit": await rows("select action, provider_id from audit_log"),
    }


def test_migration_0006_makes_sites_first_class_and_retires_old_credentials(
    database: str,
) -> None:
    command.upgrade(alembic_config(database), "0005")
    run_on(database, _previous_rows)
    command.upgrade(alembic_config(database), "head")
    found = run_on(database, _after)
    assert found["sites"] == [
        ("CA100001-01", "Clinic 1", "Fresno", "central_valley", "CA100001"),
        ("CA100002-01", "Clinic 2", "Fresno", "central_valley", "CA100002"),
        # The IZ Portal site keeps the id its EHR sends: one scheme, one table.
        ("S100001", "Clinic 2 East", "Fresno", "central_valley", "CA100002"),
    ]
    assert found["registered"] == [
        ("S100001", "S100001", "live", 1, "rep2@clinic.example"),
        ("CA100001-01", "CA100001-01", "registered", 1, "rep1@clinic.example"),
    ]
    assert found["credential"] == [(False, None, True)]
    assert found["link"] == [(True,)]
    assert found["audit"] == [("credentials.migrated", "CA100001")]
    # Every process migrates on start: run again, nothing changes.
    command.upgrade(alembic_config(database), "head")
    assert run_on(database, _after) == found
