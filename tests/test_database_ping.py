"""PostgreSQL connections are pinged only after waiting in the pool: a connection the database
dropped while it waited is replaced before a request uses it, and one in steady use costs no
round trip (cair/store/database.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from cair.settings import Settings, normalize_database_url
from cair.store import database
from tests.helpers.stack import postgres_url


def _server() -> str:
    url = postgres_url()
    if url is None:
        pytest.skip("CAIR_TEST_POSTGRES_URL is not set; .ci/run sets it")
    return normalize_database_url(url)


async def _backend(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(sa.text("SELECT pg_backend_pid()")))


async def _terminate(server: str, pid: int) -> None:
    admin = create_async_engine(server)
    async with admin.connect() as connection:
        await connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await admin.dispose()


def test_a_connection_dropped_while_idle_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = _server()
    engine = database.create_engine(Settings(_env_file=None, var_dir=tmp_path, database_url=server))

    async def run() -> tuple[int, int, int]:
        first = await _backend(engine)
        await _terminate(server, first)
        monkeypatch.setattr(database, "IDLE_BEFORE_PING", 0.0)  # it has waited long enough
        second = await _backend(engine)  # a dead connection would raise here
        third = await _backend(engine)
        await engine.dispose()
        return first, second, third

    first, second, third = asyncio.run(run())
    assert second != first
    assert third == second


def test_a_connection_the_server_closed_is_replaced_without_a_ping(tmp_path: Path) -> None:
    """A restart closes the pooled connections while they wait; the driver has seen it."""
    server = _server()
    engine = database.create_engine(Settings(_env_file=None, var_dir=tmp_path, database_url=server))

    async def run() -> tuple[int, int]:
        first = await _backend(engine)
        await _terminate(server, first)
        await _gone(server, first)
        second = await _backend(engine)  # used a moment ago, so not pinged; still replaced
        await engine.dispose()
        return first, second

    first, second = asyncio.run(run())
    assert second != first


async def _gone(server: str, pid: int) -> None:
    """Wait for the backend to have exited (its socket closed), the event meant."""
    admin = create_async_engine(server)
    async with admin.connect() as connection:
        for _ in range(500):
            still = await connection.scalar(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            )
            if not still:
                break
            await connection.rollback()
    await admin.dispose()


def test_a_connection_in_steady_use_is_not_pinged(tmp_path: Path) -> None:
    server = _server()
    engine = database.create_engine(Settings(_env_file=None, var_dir=tmp_path, database_url=server))
    pings: list[float] = []
    original = engine.sync_engine.dialect.do_ping

    def counted(connection):  # type: ignore[no-untyped-def]
        pings.append(1.0)
        return original(connection)

    engine.sync_engine.dialect.do_ping = counted  # type: ignore[method-assign]

    async def run() -> list[int]:
        pids = [await _backend(engine) for _ in range(20)]
        await engine.dispose()
        return pids

    pids = asyncio.run(run())
    assert len(set(pids)) == 1
    assert pings == []


def test_statements_hold_no_transaction_open_and_sessions_do(tmp_path: Path) -> None:
    """``statements`` (reads, one-statement writes) leave the connection idle between
    statements, so no BEGIN or ROLLBACK is sent; ``sessions`` hold a transaction."""
    server = _server()
    db = database.Database(Settings(_env_file=None, var_dir=tmp_path, database_url=server))
    state = sa.text("SELECT state FROM pg_stat_activity WHERE pid = :pid")

    async def run() -> tuple[str, str]:
        try:
            async with db.statements() as reading:
                pid = await reading.scalar(sa.text("SELECT pg_backend_pid()"))
                async with db.statements() as looking:
                    between_statements = await looking.scalar(state, {"pid": pid})
            async with db.sessions() as holding:
                pid = await holding.scalar(sa.text("SELECT pg_backend_pid()"))
                async with db.statements() as looking:
                    in_a_session = await looking.scalar(state, {"pid": pid})
            return str(between_statements), str(in_a_session)
        finally:
            await db.dispose()

    assert asyncio.run(run()) == ("idle", "idle in transaction")
