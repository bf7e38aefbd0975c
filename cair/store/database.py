"""Engine and session factory. One engine per process, created from settings."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from cair.settings import Settings
from cair.store.group_commit import GroupCommit, R, T, Write

# What activities and operations hold while they call the store's query modules; they never
# import SQLAlchemy themselves.
Session = AsyncSession


def create_engine(settings: Settings, *, queue_sqlite: bool = False) -> AsyncEngine:
    """Bound parameters are hidden from error messages: they hold names and addresses.

    ``queue_sqlite``: the process's SQLite work goes through one connection, so its sessions
    queue in order instead of retrying SQLite's busy lock with growing sleeps.
    """
    url = settings.resolved_database_url()
    if url.startswith("sqlite"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        size = 1 if queue_sqlite else settings.database_pool_size
        engine = create_async_engine(
            url,
            connect_args={"timeout": 30},
            hide_parameters=True,
            pool_size=size,
            max_overflow=0,
            pool_timeout=120 if queue_sqlite else 30,
        )
        _sqlite_pragmas(engine.sync_engine)
        return engine
    # Every connection opened stays open: an overflow connection is opened and closed again for
    # one session, which under load is most of a simple read's cost.
    engine = create_async_engine(
        url, hide_parameters=True, pool_size=settings.database_pool_size, max_overflow=0
    )
    _ping_when_idle(engine.sync_engine)
    return engine


# A pooled connection unused this long is pinged before use; one in steady use is not.
IDLE_BEFORE_PING = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """``pool_pre_ping`` costs a round trip on every checkout, a third of a simple read's time.
    A connection the server closed (a restart) is known closed without one: the driver saw the
    socket close while the connection waited. One that waited long may have been dropped
    silently on the way (a firewall, an idle timeout), so only those are pinged. Either is
    replaced before the request uses it."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):  # type: ignore[no-untyped-def]
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):  # type: ignore[no-untyped-def]
        if _closed(dbapi_connection):
            raise exc.DisconnectionError("the server closed this connection")
        since = record.info.get("checked_in_at")
        if since is not None and time.monotonic() - since > IDLE_BEFORE_PING:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except Exception as error:
                raise exc.DisconnectionError("an idle connection failed its ping") from error


def _closed(dbapi_connection: object) -> bool:
    """asyncpg's own view of its socket (no round trip)."""
    driver = getattr(dbapi_connection, "_connection", None)
    is_closed = getattr(driver, "is_closed", None)
    return bool(is_closed()) if callable(is_closed) else False


def _sqlite_pragmas(engine: Engine) -> None:
    """WAL lets the CLI read while the worker writes; foreign keys are off by default in SQLite."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


class OneWriterAtATime(async_sessionmaker[AsyncSession]):
    """SQLite lets one connection write at a time. Its busy handler makes every other writer
    sleep 1, 2, 5, 10, … 100 ms and try again, so twenty sessions writing at once spend most of
    their time asleep (a VXU's p95 was half a second). A process's write transactions
    (``begin()``) queue here instead, in order; only another process's writer meets the busy
    handler."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, expire_on_commit=False)
        self._writing = asyncio.Lock()

    def begin(self) -> AbstractAsyncContextManager[AsyncSession]:  # type: ignore[override]
        return self._queued()

    @asynccontextmanager
    async def _queued(self) -> AsyncIterator[AsyncSession]:
        async with self._writing, super().begin() as session:
            yield session


class Database:
    """The engine and its session factory, created once per process."""

    def __init__(self, settings: Settings, *, queue_sqlite: bool = False) -> None:
        self.engine = create_engine(settings, queue_sqlite=queue_sqlite)
        sqlite = self.engine.dialect.name == "sqlite"
        self.sessions: async_sessionmaker[AsyncSession] = (
            OneWriterAtATime(self.engine)
            if sqlite and not queue_sqlite
            else async_sessionmaker(self.engine, expire_on_commit=False)
        )
        # Sessions whose every statement commits on its own: for reads, and for a write of one
        # statement (``statements.begin()``). On PostgreSQL a transaction costs a BEGIN and a
        # COMMIT or ROLLBACK round trip, a tenth of a VXU's CPU, and gives a read nothing: READ
        # COMMITTED takes a snapshot per statement anyway. On SQLite they are the sessions
        # above (pysqlite begins a transaction only at a write, and a write takes its turn).
        self.statements: async_sessionmaker[AsyncSession] = (
            self.sessions
            if sqlite
            else async_sessionmaker(
                self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                expire_on_commit=False,
            )
        )

        self._groups: dict[Write[Any, Any], GroupCommit[Any, Any]] = {}

    def grouped(self, write: Write[T, R]) -> GroupCommit[T, R]:
        """``write``'s items that arrive while another batch commits, committed together
        (store/group_commit.py); one group per write function and process."""
        group = self._groups.get(write)
        if group is None:
            group = self._groups[write] = GroupCommit(self.sessions, write)
        return group

    async def dispose(self) -> None:
        await self.engine.dispose()
