"""Which databases and live-state stores the suite runs on, and how to reach them.

Every database-backed test runs twice: on SQLite with the in-memory live state (the embedded default)
and on PostgreSQL with Redis (the scale-out setup). Outside CI a missing PostgreSQL or Redis skips its
half with a clear reason; with CI=true it fails, because a green CI must mean both halves ran.
"""

from __future__ import annotations

import os
import socket

import pytest

SQLITE = "sqlite+memory"
POSTGRES = "postgresql+redis"
BACKENDS = (SQLITE, POSTGRES)

POSTGRES_ADMIN_URL = os.environ.get(
    "CALLCENTER_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("CALLCENTER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}, and CI=true requires it", pytrace=False)
    pytest.skip(message)


def require_postgres_and_redis() -> None:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    require_service("Redis", "127.0.0.1", 6379)
