"""The staff overview's figures against a real SQLite store: enrollments in several stages,
submitted on both sides of week and window edges (a week starts on Monday, Pacific time, across
a change of clocks), approved quickly, slowly and too long ago to count; users awaiting training
with deadlines passed, near and far; IZ Portal sites in two stages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cair.operations import overview
from cair.operations.context import Context
from cair.settings import Settings
from cair.store.migrate import migrate_database
from cair.store.models import AuditRow, DxSiteRow, EnrollmentRequestRow, OrganizationRow, UserRow

NOW = datetime(2026, 3, 18, 20, 0, tzinfo=UTC)  # Wednesday 13:00 Pacific (daylight time)
# (id, region, stage, submitted, approved)
ENROLLMENTS: list[tuple[str, str, str, datetime, datetime | None]] = [
    ("E1", "bay_area", "awaiting_review", NOW - timedelta(hours=1), None),
    ("E2", "bay_area", "awaiting_review", datetime(2026, 3, 9, 18, tzinfo=UTC), None),
    ("E3", "los_angeles_orange", "changes_requested", datetime(2026, 3, 16, 8, tzinfo=UTC), None),
    ("E4", "central_valley", "completed", NOW - timedelta(days=100), NOW - timedelta(days=98)),
    (
        "E5",
        "bay_area",
        "awaiting_training",
        datetime(2026, 3, 2, 17, tzinfo=UTC),
        datetime(2026, 3, 4, 17, tzinfo=UTC),  # two business days
    ),
    (
        "E6",
        "san_diego_imperial",
        "completed",
        datetime(2026, 2, 27, 17, tzinfo=UTC),  # a Friday
        datetime(2026, 3, 9, 17, tzinfo=UTC),  # six business days later
    ),
    ("E8", "central_coast", "rejected", NOW - timedelta(hours=2), None),
    # The first week of the twelve starts on Monday, December 29, 00:00 Pacific standard time.
    ("E9", "bay_area", "rejected", datetime(2025, 12, 29, 8, tzinfo=UTC), None),
    ("E10", "bay_area", "expired", datetime(2025, 12, 29, 7, 59, 59, tzinfo=UTC), None),
    # Sunday 23:30 Pacific daylight time: the week before this one.
    ("E11", "bay_area", "expired", datetime(2026, 3, 16, 6, 30, tzinfo=UTC), None),
]
DEADLINES = [  # (state, deadline)
    ("pending_training", NOW - timedelta(days=1)),
    ("pending_training", NOW + timedelta(days=3)),
    ("pending_training", NOW + timedelta(days=7)),
    ("pending_training", NOW + timedelta(days=20)),
    ("pending_training", NOW + timedelta(days=60)),
    ("active", NOW - timedelta(days=5)),
]


def _values(figure: overview.Figure) -> dict[str, list[int]]:
    return {series.key: series.values for series in figure.series}


async def _rows(ctx: Context) -> None:
    async with ctx.db.sessions.begin() as session:
        for enrollment_id, region, stage, submitted, approved in ENROLLMENTS:
            session.add(
                EnrollmentRequestRow(
                    id=enrollment_id,
                    stage=stage,
                    org_name=f"Org {enrollment_id}",
                    org_type="school",
                    county="Alameda",
                    region=region,
                    access_level="data_entry",
                    request={},
                    submitted_at=submitted,
                )
            )
            if approved is not None:
                session.add(
                    _stage_entry(enrollment_id, "review-1/provisioning", approved, "provisioning")
                )
        session.add(_stage_entry("E3", "review-1/changes_requested", NOW, "changes_requested"))
        org = OrganizationRow(
            provider_id="CA100001",
            enrollment_id="E6",
            name="Org E6",
            org_type="school",
            county="San Diego",
            region="san_diego_imperial",
            access_level="data_entry",
            contacts={},
            info={},
        )
        session.add(org)
        await session.flush()
        for n, (state, deadline) in enumerate(DEADLINES):
            session.add(
                UserRow(
                    organization_id=org.id,
                    creation_key=f"u{n}",
                    first_name="Pat",
                    last_name=f"User{n}",
                    email=f"u{n}@school.example",
                    role="regular",
                    state=state,
                    training_deadline=deadline,
                )
            )
        for n, stage in enumerate(("testing", "testing", "live")):
            session.add(_dx_site(org.id, n, stage))


def _stage_entry(enrollment_id: str, step: str, at: datetime, stage: str) -> AuditRow:
    """The audit entry ``record_stage_change`` writes for a move to ``stage``."""
    return AuditRow(
        idempotency_key=f"{enrollment_id}/{step}",
        at=at,
        actor="rita.reviewer@cair.test",
        action="enrollment.stage",
        subject_type="enrollment",
        subject_id=enrollment_id,
        old_value={"stage": "awaiting_review"},
        new_value={"stage": stage, "note": None},
    )


def _dx_site(organization_id: int, n: int, stage: str) -> DxSiteRow:
    registration: dict[str, Any] = {}
    return DxSiteRow(
        organization_id=organization_id,
        site_id=f"CA100001-0{n + 1}",
        registration_key=f"reg-{n}",
        role=1,
        site_name=f"Site {n}",
        county="San Diego",
        region="san_diego_imperial",
        registration=registration,
        stage=stage,
        registered_by="rep@school.example",
        representative_id=1,
    )


@pytest.mark.asyncio(loop_scope="session")
async def test_the_overview_counts_what_the_store_holds(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path)
    await migrate_database(settings)
    ctx = Context(settings)
    try:
        await _rows(ctx)
        found = await overview.build(ctx, now=NOW)
    finally:
        await ctx.close()

    weekly = found.weekly_submissions
    assert [c.key for c in weekly.categories][:1] == ["2025-12-29"]
    assert [c.label for c in weekly.categories][-2:] == ["Mar 9", "Mar 16"]
    by_region = _values(weekly)
    assert by_region["bay_area"] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1]  # E9; E5; E2, E11; E1
    assert by_region["los_angeles_orange"][11] == 1
    assert by_region["san_diego_imperial"][8] == 1
    assert by_region["central_coast"][11] == 1
    assert sum(by_region["central_valley"]) == 0  # E4 is older than twelve weeks
    assert weekly.total == 8
    assert len(weekly.series) == 9  # every region of the map, those without requests too

    queue = found.queue_by_age
    assert [s.label for s in queue.series] == [
        "0–1 business days",
        "2–3 business days",
        "4–5 business days",
        "6–10 business days",
        "Over 10 business days",
    ]
    stages = [c.key for c in queue.categories]
    rows = {stage: [s.values[i] for s in queue.series] for i, stage in enumerate(stages)}
    assert rows["awaiting_review"] == [1, 0, 0, 1, 0]  # E1 today, E2 seven business days
    assert rows["changes_requested"] == [0, 1, 0, 0, 0]  # E3: two business days
    assert rows["awaiting_training"] == [0, 0, 0, 0, 1]  # E5: twelve business days
    assert "completed" not in rows and "rejected" not in rows
    assert queue.total == 4

    approvals = found.approval_times
    assert [c.key for c in approvals.categories] == ["0", "1", "2", "3", "4", "5", "6-10", "11+"]
    assert approvals.series[0].values == [0, 0, 1, 0, 0, 0, 1, 0]  # E5, E6; E4 too long ago

    training = found.training_deadlines
    assert [c.key for c in training.categories] == ["overdue", "within_7", "within_30", "later"]
    assert training.series[0].values == [1, 2, 1, 1]  # the active user is not waiting

    sites = found.dx_sites
    counts = dict(zip([c.key for c in sites.categories], sites.series[0].values, strict=True))
    assert counts == {
        "registered": 0,
        "staging_credentials_issued": 0,
        "testing": 2,
        "ready_for_review": 0,
        "production_credentials_issued": 0,
        "live": 1,
    }
