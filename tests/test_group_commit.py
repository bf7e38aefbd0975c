"""Writes that wait while another commits are committed together, each caller answered with
its own result; a bad item fails only its caller, and a caller that goes away loses nobody
else's write (real SQLite store, cair/store/group_commit.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
import sqlalchemy as sa

from cair.settings import Settings
from cair.store.database import Database, Session
from cair.store.migrate import migrate_database
from cair.store.models import AttemptRow


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
    be held open, and a subject named "bad" makes its batch fail."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.hold = asyncio.Event()
        self.holding = asyncio.Event()

    async def __call__(self, session: Session, subjects: Sequence[str]) -> list[int]:
        self.batches.append(list(subjects))
        rows = [AttemptRow(kind="group", subject_digest=s) for s in subjects]
        session.add_all(rows)
        await session.flush()
        if "bad" in subjects:
            raise ValueError("a bad subject")
        if len(self.batches) == 1:
            self.holding.set()
            await self.hold.wait()
        return [row.id for row in rows]


async def _stored(db: Database) -> dict[str, int]:
    async with db.sessions() as session:
        rows = await session.execute(
            sa.select(AttemptRow.subject_digest, AttemptRow.id).where(AttemptRow.kind == "group")
        )
        return {subject: id_ for subject, id_ in rows.all()}


async def test_writes_that_wait_are_committed_in_one_batch(db: Database) -> None:
    writes = Writes()
    group = db.grouped(writes)
    assert db.grouped(writes) is group  # one group per write function
    first = asyncio.create_task(group("s0"))
    await writes.holding.wait()
    rest = [asyncio.create_task(group(f"s{n}")) for n in range(1, 11)]
    await asyncio.sleep(0)  # they queue behind the batch being written
    writes.hold.set()
    answers = await asyncio.gather(first, *rest)
    assert writes.batches == [["s0"], [f"s{n}" for n in range(1, 11)]]
    assert group.batches == 2
    stored = await _stored(db)
    assert answers == [stored[f"s{n}"] for n in range(11)]  # each caller its own row's id


async def test_a_bad_item_fails_only_its_caller(db: Database) -> None:
    writes = Writes()
    group = db.grouped(writes)
    first = asyncio.create_task(group("s0"))
    await writes.holding.wait()
    rest = [asyncio.create_task(group(s)) for s in ("s1", "bad", "s2")]
    await asyncio.sleep(0)
    writes.hold.set()
    results = await asyncio.gather(first, *rest, return_exceptions=True)
    assert isinstance(results[2], ValueError)
    stored = await _stored(db)
    assert set(stored) == {"s0", "s1", "s2"}  # the failed batch rolled back, then one by one
    assert [results[0], results[1], results[3]] == [stored["s0"], stored["s1"], stored["s2"]]
    assert writes.batches[1:] == [["s1", "bad", "s2"], ["s1"], ["bad"], ["s2"]]


async def test_a_caller_that_goes_away_loses_no_other_write(db: Database) -> None:
    writes = Writes()
    group = db.grouped(writes)
    leader = asyncio.create_task(group("s0"))
    await writes.holding.wait()
    waiting = asyncio.create_task(group("gone"))  # queued, not yet in a batch
    staying = asyncio.create_task(group("s1"))
    await asyncio.sleep(0)
    leader.cancel()  # its batch is being written: it is written all the same
    waiting.cancel()  # never in a batch: never written
    writes.hold.set()
    assert await staying == (await _stored(db))["s1"]
    for cancelled in (leader, waiting):
        with pytest.raises(asyncio.CancelledError):
            await cancelled
    assert set(await _stored(db)) == {"s0", "s1"}
