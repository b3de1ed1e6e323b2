"""Keeping callers served when the database or the engine fails.

- ``FallbackCache``: per tracking number, the campaign's fallback number and closed message, refreshed on
  every successful call and loaded at start-up. When the voice webhook cannot finish in time, the caller
  is forwarded from this process memory, without the database.
- ``DeferredCalls``: calls answered that way are remembered and written (call record and journey) by a
  background task once the database answers again, so nothing is lost; so are the status and recording
  callbacks that could not be applied (database down, or their call not written yet).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.campaigns import Campaign
from callcenter.models.numbers import NumberPool, PhoneNumber

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FallbackEntry:
    account_id: uuid.UUID
    number_id: uuid.UUID
    campaign_id: uuid.UUID | None
    fallback_number: str | None
    closed_message: str | None


class FallbackCache:
    def __init__(self) -> None:
        self._entries: dict[str, FallbackEntry] = {}

    def get(self, number: str) -> FallbackEntry | None:
        return self._entries.get(number)

    def put(self, number: str, entry: FallbackEntry) -> None:
        self._entries[number] = entry

    async def load(self, session: AsyncSession) -> int:
        """Fills the cache with every number that leads to a campaign, directly or through its pool."""
        rows = await session.execute(
            select(PhoneNumber, Campaign)
            .outerjoin(NumberPool, NumberPool.id == PhoneNumber.pool_id)
            .join(Campaign, Campaign.id == func.coalesce(PhoneNumber.campaign_id, NumberPool.campaign_id))
        )
        count = 0
        for number, campaign in rows:
            self.put(number.number, entry_for(number, campaign))
            count += 1
        return count


def entry_for(number: PhoneNumber, campaign: Campaign | None) -> FallbackEntry:
    return FallbackEntry(
        account_id=number.account_id,
        number_id=number.id,
        campaign_id=campaign.id if campaign else None,
        fallback_number=campaign.fallback_number if campaign else None,
        closed_message=campaign.closed_message if campaign else None,
    )


@dataclass(slots=True)
class DeferredCall:
    """A call answered from the fallback cache, waiting to be recorded."""

    call_sid: str
    params: dict[str, str]
    pool_id: uuid.UUID | None
    answered_at: datetime
    reason: str
    forwarded_to: str | None
    status_params: dict[str, str] | None = None


Callback = dict[str, str]


@dataclass(frozen=True, slots=True)
class Replays:
    """How deferred work is written, each in a transaction of its own."""

    write_call: Callable[[DeferredCall], Awaitable[None]]
    apply_status: Callable[[Callback], Awaitable[None]]
    apply_recording: Callable[[Callback], Awaitable[None]]


@dataclass
class DeferredCalls:
    """Calls to write once the database is back; retried by ``run`` every ``interval_s`` seconds."""

    interval_s: float = 2.0
    _pending: dict[str, DeferredCall] = field(default_factory=dict)
    _statuses: dict[str, Callback] = field(default_factory=dict)
    _recordings: dict[str, Callback] = field(default_factory=dict)

    def add(self, call: DeferredCall) -> None:
        self._pending.setdefault(call.call_sid, call)

    def add_status(self, params: Callback) -> None:
        """Keeps a status callback that could not be applied (database down, or call not written yet)."""
        call_sid = params.get("CallSid", "")
        pending = self._pending.get(call_sid)
        if pending is not None:
            pending.status_params = params
        else:
            self._statuses[call_sid] = params

    def add_recording(self, params: Callback) -> None:
        """Keeps a recording callback that could not be applied; a call may have several recordings."""
        self._recordings[params.get("RecordingSid") or params.get("CallSid", "")] = params

    def call_sids(self) -> list[str]:
        """The calls with something still to write."""
        kept = [*self._pending, *self._statuses, *(p.get("CallSid", "") for p in self._recordings.values())]
        return sorted(set(kept))

    def __len__(self) -> int:
        return len(self._pending) + len(self._statuses) + len(self._recordings)

    async def flush(self, replays: Replays) -> int:
        """Writes what it can, calls first (their callbacks need them); whatever fails stays pending for
        the next round."""
        written = 0
        try:
            for call_sid, call in list(self._pending.items()):
                await replays.write_call(call)
                self._pending.pop(call_sid, None)
                written += 1
            for kept, apply in (
                (self._statuses, replays.apply_status),
                (self._recordings, replays.apply_recording),
            ):
                for key, params in list(kept.items()):
                    await apply(params)
                    kept.pop(key, None)
                    written += 1
        except Exception as exc:  # the database may still be down: keep the rest for the next round
            logger.warning("deferred writes pending", extra={"pending": len(self), "error": repr(exc)})
        return written

    async def run(self, replays: Replays) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            if len(self):
                await self.flush(replays)
