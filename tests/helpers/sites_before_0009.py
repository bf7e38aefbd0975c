"""Organizations and IZ Portal sites as the release before migration 0009 stored them, written
with plain SQL tables (not today's models) for the migration tests: two Data Exchange
organizations, a Sending Facility and three client sites, one of them still testing."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
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


async def sites_before_0009(db: AsyncConnection) -> None:
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
