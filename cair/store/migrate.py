"""Bring the database schema up to date; the app runs this on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from cair.settings import Settings
from cair.store.database import create_engine

_INI = Path(__file__).with_name("alembic.ini")


def alembic_config(url: str = "") -> Config:
    config = Config(str(_INI))
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate_database(settings: Settings) -> None:
    """Apply every pending migration (idempotent; safe to run from each process at start)."""
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    finally:
        await engine.dispose()
