"""Fixtures for the live-state contract suite: every test runs on both implementations."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import AsyncIterator

import pytest
import redis
import redis.asyncio

from callcenter.live import LiveState, MemoryLiveState, RedisLiveState

from .fakes import FakeClock

REDIS_URL = os.environ.get("CALLCENTER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@functools.cache
def redis_unreachable() -> str | None:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, retry=None)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"Redis unreachable at {REDIS_URL}: {exc}"
    finally:
        client.close()
    return None


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis; unreachable means skip locally but fail in CI, where Redis must be tested."""
    if problem := redis_unreachable():
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    return REDIS_URL


@pytest.fixture
def key_prefix() -> str:
    return f"test:{uuid.uuid4().hex}:"


async def delete_keys(url: str, prefix: str) -> None:
    client = redis.asyncio.Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=1000)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
async def memory_live_state(clock: FakeClock) -> AsyncIterator[MemoryLiveState]:
    state = MemoryLiveState(clock=clock)
    yield state
    await state.close()


@pytest.fixture
async def redis_live_state(
    redis_url: str, key_prefix: str, clock: FakeClock
) -> AsyncIterator[RedisLiveState]:
    state = RedisLiveState.from_url(redis_url, prefix=key_prefix, clock=clock)
    yield state
    await delete_keys(redis_url, key_prefix)
    await state.close()


@pytest.fixture(params=["memory", "redis"])
def live_state(request: pytest.FixtureRequest) -> LiveState:
    state: LiveState = request.getfixturevalue(f"{request.param}_live_state")
    return state
