"""Writes that wait while another commits are committed together, each caller answered with
its own result; an item the store refuses fails only its caller, a store that fails fails the
batch at once, and a caller that goes away loses nobody else's write and lets no second batch
start beside its own (real SQLite store, cair/store/group_commit.py). The batch of the data
exchange's messages, on SQLite and PostgreSQL: a control id twice in one batch is recorded once,
messages without one each time (cair/store/dx_sites.py)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from cair.settings import Settings
from cair.store import dx_sites
from cair.store.database import Database, Session
from cair.store.group_commit import GroupCommit
from cair.store.migrate import migrate_database
from cair.store.models import (
    AttemptRow,
    DxMessageRow,
    DxSiteRow,
    EnrollmentRequestRow,
    OrganizationRow,
)
from tests.helpers.migration_db import empty_database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    settings = Settings(_env_file=None, var_dir=tmp_path)
    await migrate_database(settings)
    database = Database(settings)
    try:
        yield database
    finally:
        await database.dispose()


class Writes:
    """A batch write of attempts: one row per subject, its id the answer. The first batch can
    be held open; a subject "bad" is a row the store refuses (NOT NULL), and "down" a store
    that fails."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.hold = asyncio.Event()
        self.holding = asyncio.Event()
        self.writing = 0
        self.most_at_once = 0

    async def __call__(self, session: Session, subjects: Sequence[str]) -> list[int]:
        self.batches.append(list(subjects))
        self.writing += 1
        self.most_at_once = max(self.most_at_once, self.writing)
        try:
            if "down" in subjects:
                raise ConnectionRefusedError("the store is down")
            rows = [
                AttemptRow(kind="group", subject_digest=None if s == "bad" else s) for s in subjects
            ]
            session.add_all(rows)
            await session.flush()
            if len(self.batches) == 1:
                self.holding.set()
                await self.hold.wait()
            return [row.id for row in rows]
        finally:
            self.writing -= 1


async def _stored(db: Database) -> dict[str, int]:
    async with db.sessions() as session:
        rows = await session.execute(
            sa.select(AttemptRow.subject_digest, AttemptRow.id).where(AttemptRow.kind == "group")
        )
        return {subject: id_ for subject, id_ in rows.all()}


async def _behind_a_held_batch(
    writes: Writes, group: GroupCommit[str, int], subjects: Sequence[str]
) -> list[int | BaseException]:
    """ "s0" written alone and held open while ``subjects`` queue behind it; every answer."""
    first = asyncio.create_task(group("s0"))
    await writes.holding.wait()
    rest = [asyncio.create_task(group(s)) for s in subjects]
    await asyncio.sleep(0)  # they queue behind the batch being written
    writes.hold.set()
    return await asyncio.gather(first, *rest, return_exceptions=True)


async def test_writes_that_wait_are_committed_in_one_batch(db: Database) -> None:
    writes = Writes()
    group = db.grouped(writes)
    assert db.grouped(writes) is group  # one group per write function
    answers = await _behind_a_held_batch(writes, group, [f"s{n}" for n in range(1, 11)])
    assert writes.batches == [["s0"], [f"s{n}" for n in range(1, 11)]]
    assert group.batches == 2
    stored = await _stored(db)
    assert answers == [stored[f"s{n}"] for n in range(11)]  # each caller its own row's id


async def test_an_item_the_store_refuses_fails_only_its_caller(db: Database) -> None:
    writes = Writes()
    group = db.grouped(writes)
    results = await _behind_a_held_batch(writes, group, ["s1", "bad", "s2"])
    assert isinstance(results[2], IntegrityError)
    stored = await _stored(db)
    assert set(stored) == {"s0", "s1", "s2"}  # the failed batch rolled back, then one by one
    assert [results[0], results[1], results[3]] == [stored["s0"], stored["s1"], stored["s2"]]
    assert writes.batches[1:] == [["s1", "bad", "s2"], ["s1"], ["bad"], ["s2"]]


async def test_a_store_that_fails_fails_the_batch_at_once(db: Database) -> None:
    writes = Writes()
    group = db.grouped(writes)
    results = await _behind_a_held_batch(writes, group, ["s1", "down", "s2"])
    assert results[0] == (await _stored(db))["s0"]
    assert all(isinstance(r, ConnectionRefusedError) for r in results[1:])
    assert writes.batches[1:] == [["s1", "down", "s2"]]  # not again, one by one
    assert set(await _stored(db)) == {"s0"}


async def test_a_caller_that_goes_away_loses_no_other_write(db: Database) -> None:
    writes = Writes()
    # Sessions without SQLite's writer lock (as on PostgreSQL): only the group keeps turns.
    group = GroupCommit(async_sessionmaker(db.engine, expire_on_commit=False), writes)
    leader = asyncio.create_task(group("s0"))
    await writes.holding.wait()
    waiting = asyncio.create_task(group("gone"))  # queued, not yet in a batch
    staying = asyncio.create_task(group("s1"))
    await asyncio.sleep(0)
    leader.cancel()  # its batch is being written: it is written all the same
    waiting.cancel()  # never in a batch: never written
    await asyncio.wait({waiting})  # the cancellations land while the batch is still held open
    writes.hold.set()
    assert await staying == (await _stored(db))["s1"]
    for cancelled in (leader, waiting):
        with pytest.raises(asyncio.CancelledError):
            await cancelled
    assert set(await _stored(db)) == {"s0", "s1"}
    assert writes.batches == [["s0"], ["s1"]]
    assert writes.most_at_once == 1  # the next batch began only once the leader's was done


@pytest.fixture(params=["sqlite", "postgres"])
def dx_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from empty_database(request.param, tmp_path, "cair_group_commit")


@pytest.fixture
async def dx_db(dx_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    settings = Settings(_env_file=None, var_dir=tmp_path, database_url=dx_url)
    await migrate_database(settings)
    database = Database(settings)
    try:
        yield database
    finally:
        await database.dispose()


async def test_a_batch_of_messages_records_a_control_id_once(dx_db: Database) -> None:
    tag = secrets.token_hex(4)
    place = {"county": "Fresno", "region": "central_valley"}
    kind = {"org_type": "healthcare_provider", "access_level": "data_exchange"}
    async with dx_db.sessions.begin() as session:
        request = EnrollmentRequestRow(
            id=f"EN{tag}", stage="completed", org_name="Org", request={}, **place, **kind
        )
        session.add(request)
        await session.flush()
        org = OrganizationRow(
            provider_id=f"CA{tag}", enrollment_id=request.id, name="Org", contacts={}, info={}
        )
        for key, value in (place | kind).items():
            setattr(org, key, value)
        session.add(org)
        await session.flush()
        site = DxSiteRow(
            organization_id=org.id,
            site_id=f"S{tag}",
            registration_key=f"key/{tag}",
            role=1,
            site_name="Site",
            registration={},
            stage="ready_for_review",  # no onboarding to nudge
            registered_by="rep@example.test",
            representative_id=1,
            **place,
        )
        session.add(site)
        await session.flush()
        site_id = site.id

    def message(control_id: str, ack: str) -> DxMessageRow:
        return DxMessageRow(
            dx_site_id=site_id,
            environment="staging",
            control_id=control_id,
            ack_code=ack,
            findings=[],
            received_at=datetime.now(UTC),
        )

    batch = [message("M1", "AA"), message("M1", "AE"), message("", "AR"), message("", "AR")]
    async with dx_db.sessions.begin() as session:
        answers = await dx_sites.record_messages(session, batch)
    assert answers[0] is None and answers[2] is None and answers[3] is None  # recorded
    first = answers[1]
    assert first is not None and first.ack_code == "AA"  # the copy: answered with the first
    async with dx_db.sessions() as session:
        kept = (
            await session.execute(
                sa.select(DxMessageRow.control_id, DxMessageRow.ack_code)
                .where(DxMessageRow.dx_site_id == site_id)
                .order_by(DxMessageRow.id)
            )
        ).all()
    assert [tuple(k) for k in kept] == [("M1", "AA"), ("", "AR"), ("", "AR")]
