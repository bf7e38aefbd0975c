"""The staff lists are cut in SQL: a page of N holds the right rows in the list's order, the
total counts every match, and the pages together hold each row once (real SQLite store)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest_asyncio
from sqlalchemy import select

from cair.settings import Settings
from cair.store import attempts, audit, changes, enrollments, incidents, staff, users
from cair.store.audit import AuditFilter
from cair.store.database import Database
from cair.store.migrate import migrate_database
from cair.store.models import (
    AccountChangeRow,
    AttemptRow,
    AuditRow,
    EnrollmentRequestRow,
    IncidentRow,
    OrganizationRow,
    UserRow,
    as_utc,
)

DAY0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest_asyncio.fixture(loop_scope="session")
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    settings = Settings(_env_file=None, var_dir=tmp_path)
    await migrate_database(settings)
    database = Database(settings)
    yield database
    await database.dispose()


async def test_an_audit_page_holds_the_right_entries_newest_first(db: Database) -> None:
    async with db.sessions() as session:
        for n in range(7):
            await audit.append(
                session,
                key=f"k{n}",
                actor="ada@cair.test",
                action="staff.added" if n % 2 else "account.update_info",
                subject_type="organization",
                subject_id="P1",
                provider_id="P1" if n < 5 else "P2",
                new={"n": n},
            )
        await session.commit()
    async with db.sessions() as session:
        first, total = await audit.page(session, AuditFilter(provider_id="P1"), limit=2, offset=0)
        second, _ = await audit.page(session, AuditFilter(provider_id="P1"), limit=2, offset=2)
        last, _ = await audit.page(session, AuditFilter(provider_id="P1"), limit=2, offset=4)
        staff_only, staff_total = await audit.page(
            session, AuditFilter(kind="staff"), limit=10, newest_first=False
        )
        count, up_to = await audit.extent(session, AuditFilter(kind="account.update_info"))
        rows = await audit.chunk(
            session, AuditFilter(kind="account.update_info"), after=0, up_to=up_to, size=3
        )
    assert total == 5
    assert [e.new for e in first + second + last] == [{"n": n} for n in (4, 3, 2, 1, 0)]
    assert staff_total == 3 and [e.new for e in staff_only] == [{"n": n} for n in (1, 3, 5)]
    assert count == 4 and [r.new for r in rows] == [{"n": n} for n in (0, 2, 4)]


async def test_audit_by_dates_takes_from_and_leaves_until(db: Database) -> None:
    async with db.sessions() as session:
        for n in range(4):
            await audit.append(
                session,
                key=f"d{n}",
                actor="a",
                action="user.state",
                subject_type="user",
                subject_id=f"U{n}",
            )
        await session.commit()
    async with db.sessions() as session:  # one a day
        for n, row in enumerate(await session.scalars(select(AuditRow).order_by(AuditRow.id))):
            row.at = DAY0 + timedelta(days=n)
        await session.commit()
    async with db.sessions() as session:
        found, total = await audit.page(
            session,
            AuditFilter(since=DAY0 + timedelta(days=1), until=DAY0 + timedelta(days=3)),
            limit=10,
            newest_first=False,
        )
    assert total == 2 and [e.subject for e in found] == ["user U1", "user U2"]


async def test_pages_of_changes_incidents_staff_and_users(db: Database) -> None:
    async with db.sessions() as session:
        for n in range(5):
            session.add(
                AccountChangeRow(
                    change_id=f"C{n}",
                    provider_id="P1",
                    kind="change_role",
                    details={"role": "power"},
                    status="awaiting_approval" if n != 2 else "applied",
                    requested_by="rep@example.org",
                )
            )
            session.add(
                IncidentRow(
                    key=f"i{n}",
                    workflow_id=f"wf-{n}",
                    step="mail",
                    reason="down",
                    resolved_at=DAY0 if n == 0 else None,
                )
            )
        for email, active in [("zed@x.test", True), ("amy@x.test", False), ("bo@x.test", True)]:
            row, _ = await staff.put(session, email=email, name=email, roles=["reviewer"])
            row.active = active
        session.add(
            EnrollmentRequestRow(
                id="E1",
                stage="awaiting_training",
                org_name="Clinic",
                org_type="clinic",
                county="Alameda",
                region="bay",
                access_level="full",
                request={},
            )
        )
        await session.flush()
        org = OrganizationRow(
            provider_id="P1",
            enrollment_id="E1",
            name="Clinic",
            org_type="clinic",
            county="Alameda",
            region="bay",
            access_level="full",
            contacts={},
            info={},
        )
        session.add(org)
        await session.flush()
        for n, days in enumerate([5, None, 2, 9]):
            session.add(
                UserRow(
                    user_id=f"U{n}",
                    organization_id=org.id,
                    creation_key=f"u{n}",
                    first_name="F",
                    last_name=str(n),
                    email=f"u{n}@x.test",
                    role="regular",
                    state="pending_training",
                    training_deadline=DAY0 + timedelta(days=days) if days is not None else None,
                )
            )
        await session.commit()
    async with db.sessions() as session:
        waiting, waiting_total = await changes.awaiting_page(
            session, "awaiting_approval", limit=2, offset=1
        )
        held, held_total = await incidents.page(session, limit=2, offset=2)
        every, every_total = await incidents.page(session, open_only=False, limit=1, offset=0)
        members, member_total = await staff.page(session, limit=2, offset=1)
        trainees, trainee_total = await users.listing_page(
            session, state="pending_training", limit=3, offset=1
        )
    assert waiting_total == 4 and [c.change_id for c in waiting] == ["C1", "C3"]
    assert held_total == 4 and [i.key for i in held] == ["i3", "i4"]
    assert every_total == 5 and [i.key for i in every] == ["i0"]
    assert member_total == 3 and [m.email for m in members] == ["zed@x.test", "amy@x.test"]
    assert trainee_total == 4 and [u.user_id for u in trainees] == ["U0", "U3", "U1"]


async def test_the_queue_shows_an_amendments_contact_changes_without_the_request(
    db: Database,
) -> None:
    """The queue leaves each request in the database and reads only its contacts."""
    before = {"primary": {"first_name": "Sam", "last_name": "Okafor", "email": "sam@a.test"}}
    after = {"primary": {"first_name": "Ana", "last_name": "Diaz", "email": "ana@a.test"}}
    async with db.sessions() as session:
        for n, previous in enumerate((None, before)):
            session.add(
                EnrollmentRequestRow(
                    id=f"ENQ{n}",
                    stage="awaiting_review",
                    org_name=f"Clinic {n}",
                    org_type="healthcare_provider",
                    county="Fresno",
                    region="central_valley",
                    access_level="clinical",
                    request={"contacts": after, "organization": {"name": f"Clinic {n}"}},
                    previous_contacts=previous,
                    submitted_at=DAY0 + timedelta(hours=n),
                )
            )
        await session.commit()
    async with db.sessions() as session:
        listed, total = await enrollments.listing(session, stage="awaiting_review", limit=10)
        detail = await enrollments.view(session, "ENQ1")
    assert total == 2
    assert [v.contact_changes for v in listed] == [
        [],
        ["primary: Sam Okafor <sam@a.test> → Ana Diaz <ana@a.test>"],
    ]
    assert detail is not None and detail.contact_changes == listed[1].contact_changes


async def test_every_limit_is_tallied_in_one_read(db: Database) -> None:
    """Each key counts its own attempts within its own window; a key with none is zero."""
    now = datetime.now(UTC)
    async with db.sessions.begin() as session:
        for kind, subject, ago in [
            ("sign-on", "10.0.0.1|site", 1),
            ("sign-on", "10.0.0.1|site", 20),  # outside a 15-minute window
            ("sign-on", "10.0.0.1|other", 2),
            ("sign-on-address", "10.0.0.1", 1),
            ("sign-on-address", "10.0.0.1", 3),
        ]:
            session.add(
                AttemptRow(
                    kind=kind,
                    subject_digest=attempts._digest(subject),
                    at=now - timedelta(minutes=ago),
                )
            )
    async with db.sessions() as session:
        found = await attempts.tallies(
            session,
            [
                ("sign-on", "10.0.0.1|SITE", now - timedelta(minutes=15)),  # subjects fold case
                ("sign-on-address", "10.0.0.1", now - timedelta(minutes=15)),
                ("sign-on", "10.0.0.2|site", now - timedelta(minutes=15)),
            ],
        )
    assert [t.made for t in found] == [1, 2, 0]
    assert found[1].oldest is not None and found[2].oldest is None
    assert abs(as_utc(found[1].oldest) - (now - timedelta(minutes=3))) < timedelta(seconds=1)
