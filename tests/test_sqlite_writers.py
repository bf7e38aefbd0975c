"""On SQLite, one process's write transactions take turns in order instead of meeting SQLite's
busy handler (which sleeps and retries); reads do not wait for a writer (real SQLite store,
cair/store/database.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa

from cair.settings import Settings
from cair.store.database import Database, OneWriterAtATime
from cair.store.migrate import migrate_database
from cair.store.models import AttemptRow


async def test_writers_take_turns_and_readers_do_not_wait(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path)
    await migrate_database(settings)
    db = Database(settings)
    assert isinstance(db.sessions, OneWriterAtATime)
    inside: list[int] = []
    writing = 0
    hold = asyncio.Event()
    holding = asyncio.Event()

    async def write(n: int) -> None:
        nonlocal writing
        async with db.sessions.begin() as session:
            writing += 1
            inside.append(writing)
            session.add(AttemptRow(kind="test", subject_digest=f"{n:064}"))
            await session.flush()
            if n == 0:  # the first holds its transaction until the reader has read
                holding.set()
                await hold.wait()
            writing -= 1

    try:
        writers = [asyncio.create_task(write(n)) for n in range(12)]
        await holding.wait()
        async with db.sessions() as session:  # a read, while a writer holds its transaction
            assert await session.scalar(sa.select(sa.func.count()).select_from(AttemptRow)) == 0
        hold.set()
        await asyncio.gather(*writers)
        async with db.sessions() as session:
            assert await session.scalar(sa.select(sa.func.count()).select_from(AttemptRow)) == 12
    finally:
        await db.dispose()
    assert inside == [1] * 12  # never two writers at once


async def test_the_workers_one_connection_needs_no_turns(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path)
    queued = Database(settings, queue_sqlite=True)  # one connection: its sessions queue already
    try:
        assert not isinstance(queued.sessions, OneWriterAtATime)
    finally:
        await queued.dispose()
