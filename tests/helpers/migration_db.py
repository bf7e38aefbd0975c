"""An empty database of a migration test's own, made by an earlier release's migrations: a
SQLite file, or a PostgreSQL database beside the suite's (skipped where the suite has none)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from cair.settings import normalize_database_url
from tests.helpers.stack import postgres_url

T = TypeVar("T")


def empty_database(kind: str, tmp_path: Path, name: str) -> Iterator[str]:
    """The URL of an empty database ``name`` (``kind``: sqlite or postgres), dropped after."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}"
        return
    url = postgres_url()
    if url is None:
        pytest.skip("CAIR_TEST_POSTGRES_URL is not set; .ci/run sets it")
    server = normalize_database_url(url)

    async def recreate(drop_only: bool = False) -> None:
        engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
            if not drop_only:
                await connection.execute(sa.text(f"CREATE DATABASE {name}"))
        await engine.dispose()

    asyncio.run(recreate())
    yield server.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(recreate(drop_only=True))


def run_on(url: str, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    """``work`` in one transaction on the database at ``url``."""

    async def run() -> T:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                return await work(connection)
        finally:
            await engine.dispose()

    return asyncio.run(run())
