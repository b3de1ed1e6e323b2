"""Background work of the call engine inside the server process: warming the fallback cache at start-up
and writing deferred calls once the database answers again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from callcenter.calls.callbacks import handle_status
from callcenter.calls.inbound import Engine
from callcenter.calls.recovery import write_deferred_call
from callcenter.calls.resilience import DeferredCall, DeferredCalls, FallbackCache
from callcenter.kit.db import Database
from callcenter.models.base import utcnow

logger = logging.getLogger(__name__)


async def warm_fallback_cache(database: Database, cache: FallbackCache) -> None:
    try:
        async with database.sessionmaker() as session:
            count = await cache.load(session)
        logger.info("fallback cache loaded", extra={"numbers": count})
    except Exception as exc:  # start serving anyway; the cache fills as calls arrive
        logger.warning("fallback cache not loaded", extra={"error": repr(exc)})


WriteCall = Callable[[DeferredCall], Awaitable[None]]
ApplyStatus = Callable[[dict[str, str]], Awaitable[None]]


def deferred_writers(database: Database, engine: Engine) -> tuple[WriteCall, ApplyStatus]:
    """The two write functions the deferred queue replays through, each in its own transaction."""

    async def write_call(deferred: DeferredCall) -> None:
        async with database.sessionmaker() as session, session.begin():
            await write_deferred_call(session, engine, deferred)

    async def apply_status(params: dict[str, str]) -> None:
        async with database.sessionmaker() as session, session.begin():
            if not await handle_status(session, engine, params, now=utcnow()):
                logger.warning(
                    "dropping status for an unknown call", extra={"call_sid": params.get("CallSid")}
                )

    return write_call, apply_status


async def flush_deferred(database: Database, engine: Engine, deferred: DeferredCalls) -> int:
    return await deferred.flush(*deferred_writers(database, engine))


def start_deferred_writer(database: Database, engine: Engine, deferred: DeferredCalls) -> asyncio.Task[None]:
    return asyncio.create_task(deferred.run(*deferred_writers(database, engine)))
