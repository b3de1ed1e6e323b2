"""Background work of the call engine inside the server process: warming the fallback cache at start-up,
writing deferred calls once the database answers again, and a last try at them when the server stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from callcenter.calls.callbacks import handle_recording, handle_status
from callcenter.calls.inbound import Engine
from callcenter.calls.recovery import write_deferred_call
from callcenter.calls.resilience import Callback, DeferredCall, DeferredCalls, FallbackCache, Replays
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


def deferred_writers(database: Database, engine: Engine) -> Replays:
    """The write functions the deferred queue replays through, each in its own transaction. A callback
    whose call is still unknown is dropped (logged): the call's deferred write came first."""

    async def write_call(deferred: DeferredCall) -> None:
        async with database.sessionmaker() as session, session.begin():
            await write_deferred_call(session, engine, deferred)

    async def apply_status(params: Callback) -> None:
        async with database.sessionmaker() as session, session.begin():
            if not await handle_status(session, engine, params, now=utcnow()):
                logger.warning(
                    "dropping status for an unknown call", extra={"call_sid": params.get("CallSid")}
                )

    async def apply_recording(params: Callback) -> None:
        async with database.sessionmaker() as session, session.begin():
            if not await handle_recording(session, params):
                logger.warning(
                    "dropping recording for an unknown call", extra={"call_sid": params.get("CallSid")}
                )

    return Replays(write_call, apply_status, apply_recording)


async def flush_deferred(database: Database, engine: Engine, deferred: DeferredCalls) -> int:
    return await deferred.flush(deferred_writers(database, engine))


def start_deferred_writer(database: Database, engine: Engine, deferred: DeferredCalls) -> asyncio.Task[None]:
    return asyncio.create_task(deferred.run(deferred_writers(database, engine)))


LAST_FLUSH_S = 5.0
"""How long a stopping server keeps trying its deferred writes (a deploy is waiting for it)."""


async def stop_deferred_writer(
    writer: asyncio.Task[None], database: Database, engine: Engine, deferred: DeferredCalls
) -> None:
    """Stops the writer and tries once more to write what is deferred: a deploy right after an outage
    would otherwise lose the calls answered from the cache meanwhile, which live only in this process.
    What still cannot be written is logged as an error with its call SIDs (Twilio's call log has them)."""
    writer.cancel()
    await asyncio.wait((writer,))  # its end, without swallowing a cancellation of the shutdown itself
    if not len(deferred):
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(flush_deferred(database, engine, deferred), LAST_FLUSH_S)
    if len(deferred):
        logger.error(
            "deferred writes lost at shutdown",
            extra={"pending": len(deferred), "call_sids": deferred.call_sids()},
        )
