"""Fixtures shared by the whole suite: databases (migrated once per backend), per-test transactions,
live state, the app and authenticated clients."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from callcenter.app import create_app
from callcenter.kit.db import Database, create_engine
from callcenter.kit.migrate import upgrade_engine
from callcenter.kit.runtime import tune_garbage_collector
from callcenter.live import LiveState, create_live_state
from callcenter.settings import Settings
from tests.backends import BACKENDS, POSTGRES, POSTGRES_ADMIN_URL, REDIS_URL, require_postgres_and_redis
from tests.factories import LoggedIn, create_account_with_user, logged_in_client
from tests.servers import TEST_DEADLINE_MS

os.environ.setdefault("CALLCENTER_LOG_JSON", "false")

pytest_plugins = ["tests.browser"]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == POSTGRES:
        require_postgres_and_redis()
    return name


async def _create_postgres_database(name: str) -> str:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


async def _drop_postgres_database(name: str) -> None:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture(scope="session")
async def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if backend == POSTGRES:
        name = f"callcenter_test_{os.getpid()}"
        yield await _create_postgres_database(name)
        await _drop_postgres_database(name)
    else:
        path: Path = tmp_path_factory.mktemp("sqlite") / "test.db"
        yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await upgrade_engine(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def settings(database_url: str, backend: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        redis_url=REDIS_URL if backend == POSTGRES else None,
        public_url="http://testserver",
        secret_key="test-secret",  # type: ignore[arg-type]
        allow_private_urls=True,
        log_json=False,
        voice_deadline_ms=TEST_DEADLINE_MS,
        callback_deadline_ms=TEST_DEADLINE_MS,
    )


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection inside a transaction that is rolled back after the test: nothing persists."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            await transaction.rollback()


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """A session for direct service tests; its commits become savepoints of the test's transaction."""
    async with AsyncSession(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    ) as session:
        yield session


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveState]:
    """Memory or Redis, matching the backend; Redis keys get a prefix of their own per test."""
    prefix = f"cctest:{uuid.uuid4().hex}:"
    state = create_live_state(settings.redis_url, prefix=prefix)
    yield state
    await state.close()
    if settings.redis_url:
        import redis.asyncio as redis

        client = redis.from_url(settings.redis_url)
        keys = [key async for key in client.scan_iter(f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@pytest.fixture
def database(settings: Settings, engine: AsyncEngine, connection: AsyncConnection) -> Database:
    """The app's database, bound to the test's rolled-back transaction."""
    database = Database(settings, engine=engine)
    database.sessionmaker = async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    return database


@pytest.fixture
def app(settings: Settings, database: Database, live: LiveState):  # type: ignore[no-untyped-def]
    return create_app(settings, database=database, live=live)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """An anonymous client talking to the app in-process."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def owner(app, session: AsyncSession) -> AsyncIterator[LoggedIn]:  # type: ignore[no-untyped-def]
    """An owner of a fresh account, logged in through the API (cookie + CSRF header)."""
    user = await create_account_with_user(session)
    async with logged_in_client(app, user) as logged_in:
        yield logged_in


@pytest.fixture
async def other_owner(app, session: AsyncSession) -> AsyncIterator[LoggedIn]:  # type: ignore[no-untyped-def]
    """The owner of a second, unrelated account: the cross-tenant attacker."""
    user = await create_account_with_user(session, account_name="Other Account")
    async with logged_in_client(app, user) as logged_in:
        yield logged_in


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Every test starts in a process tuned like a started server (kit/runtime.py): what earlier tests left
    alive is frozen out of the collector. Otherwise a full collection scans the whole suite's heap (half a
    million objects: 0.4 s on a busy machine) in the middle of a test's webhook or auction deadline."""
    tune_garbage_collector()


_outcomes: Counter[tuple[str, str]] = Counter()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        backend = next((b for b in BACKENDS if f"[{b}" in report.nodeid or f"-{b}" in report.nodeid), "none")
        _outcomes[(backend, report.outcome)] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.section("tests per backend")
    for backend in (*BACKENDS, "none"):
        counts = {o: n for (b, o), n in _outcomes.items() if b == backend}
        label = backend if backend != "none" else "no database"
        summary = ", ".join(f"{n} {o}" for o, n in sorted(counts.items())) or "none run"
        terminalreporter.write_line(f"{label}: {summary}")
