"""Whether the database answers, for readiness probes."""

from __future__ import annotations

from sqlalchemy import text

from cair.store.database import Database


async def database_answers(db: Database) -> None:
    async with db.sessions() as session:
        await session.execute(text("SELECT 1"))
