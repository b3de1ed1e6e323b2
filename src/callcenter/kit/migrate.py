"""Applying the shipped Alembic migrations, from the CLI (sync) or from async code (tests, start-up)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade(database_url: str) -> None:
    """Brings the database to the newest revisions (creates it from nothing on first run).

    "heads": capabilities developed side by side may each add a revision on top of the same parent
    until a merge revision joins them; every head is applied.
    """
    command.upgrade(alembic_config(database_url), "heads")


async def upgrade_engine(engine: AsyncEngine) -> None:
    """The same, on an engine already open inside a running event loop."""

    def _upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)
