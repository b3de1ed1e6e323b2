"""Engine, session factory and the request-scoped session.

The request's session commits when the endpoint returns and rolls back when it raises, so a call record,
its journey and its outbox rows land together or not at all. Services only ``flush()``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from callcenter.settings import Settings


def _enable_sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    # SQLite leaves foreign keys off by default; WAL lets readers run while a writer commits, and the busy
    # timeout makes a second writer wait instead of failing at once. The driver's own transaction handling
    # is switched off (isolation_level None) so that SQLAlchemy's BEGIN below is the only one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_immediate(conn: Any) -> None:
    # Every SQLite transaction takes the write lock up front. A deferred transaction that reads and then
    # writes fails at once with SQLITE_BUSY when another writer committed in between (WAL snapshots cannot
    # be upgraded); IMMEDIATE makes the second writer wait its turn instead. Transactions are short (no
    # network I/O is ever done inside one), so serialising them costs little in the embedded mode.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(
    database_url: str, *, pool_size: int = 10, max_overflow: int = 5, **kwargs: Any
) -> AsyncEngine:
    """An async engine; the pool sizes apply to PostgreSQL (SQLite keeps SQLAlchemy's own pooling)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(database_url, **kwargs)
        event.listen(engine.sync_engine, "connect", _enable_sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
        return engine
    # No pre-ping: it costs a round trip on every checkout, i.e. on every webhook. A connection that died
    # with its server fails its statement, is invalidated by SQLAlchemy, and the webhook's fallback path
    # serves that caller.
    return create_async_engine(database_url, pool_size=pool_size, max_overflow=max_overflow, **kwargs)


class Database:
    """Owns the engine and the session factory of one process."""

    def __init__(self, settings: Settings, engine: AsyncEngine | None = None) -> None:
        self.engine = engine or create_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
        )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    async def ping(self) -> None:
        async with self.sessionmaker() as session:
            await session.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.database
    async with database.sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


# scope="function": the commit runs when the endpoint returns, before the response is sent, so a client
# never sees a success for a transaction that then failed to commit.
DbSession = Annotated[AsyncSession, Depends(_request_session, scope="function")]
