"""Writing calls that were answered from the fallback cache while the database or engine was failing.

The record gets the journey it really had: the lookup from cache, the error with its reason, and the
fallback or closed message the caller got. A call that did reach the database after all (the webhook
timed out while committing) is left as it is.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls import repository
from callcenter.calls.callbacks import apply_settlement, handle_status
from callcenter.calls.dialing import Disposition
from callcenter.calls.inbound import Engine, InboundCall, new_call
from callcenter.calls.journey import EventType, Journey
from callcenter.calls.resilience import DeferredCall


async def write_deferred_call(session: AsyncSession, engine: Engine, deferred: DeferredCall) -> None:
    if await repository.find_call_by_sid(session, deferred.call_sid) is None:
        inbound = InboundCall.from_params(deferred.params)
        found = await repository.find_number(session, inbound.called)
        number, pool, campaign = found if found is not None else (None, None, None)
        if number is not None and campaign is not None:
            call = new_call(
                inbound, number=number, pool=pool, campaign=campaign, started_at=deferred.answered_at
            )
            call.disposition = Disposition.FALLBACK if deferred.forwarded_to else Disposition.CLOSED
            session.add(call)
            journey = Journey(session, call)
            at = deferred.answered_at
            journey.add(EventType.NUMBER_LOOKUP, key="number_lookup", detail={"source": "cache"}, at=at)
            journey.add(EventType.ERROR, key="engine_error", reason=deferred.reason, at=at)
            if deferred.forwarded_to:
                journey.add(
                    EventType.FALLBACK,
                    key="fallback",
                    reason=deferred.reason,
                    detail={"number": deferred.forwarded_to},
                    at=at,
                )
            else:
                journey.add(EventType.CLOSED, key="closed", reason=deferred.reason, at=at)
            await session.flush()
            await apply_settlement(session, call, journey, engine.events)
    if deferred.status_params is not None:
        await handle_status(session, engine, deferred.status_params, now=deferred.answered_at)
