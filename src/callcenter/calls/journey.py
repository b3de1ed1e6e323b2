"""A call's journey: the ordered, timestamped events that explain what happened to it.

Every event has a key. Events written by a webhook that can be repeated (dial results, status,
recording) use a key derived from what they describe ("dial_result:2", "status"), and an event whose key
is already in the journey is not written again, so Twilio's repeated callbacks leave the journey as it
was.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.base import utcnow
from callcenter.models.calls import Call, CallEvent


class EventType(StrEnum):
    NUMBER_LOOKUP = "number_lookup"
    DUPLICATE_CHECK = "duplicate_check"
    FLOW_NODE = "flow_node"
    ROUTING = "routing"
    TARGET_REJECTED = "target_rejected"
    AUCTION = "auction"
    BID = "bid"
    DIAL = "dial"
    DIAL_RESULT = "dial_result"
    FALLBACK = "fallback"
    CLOSED = "closed"
    REJECTED = "rejected"
    CALL_ENDED = "call_ended"
    CONVERSION = "conversion"
    RECORDING = "recording"
    PIXEL = "pixel"
    ERROR = "error"


class Journey:
    """Appends events to one call's journey, skipping keys it already holds."""

    def __init__(self, session: AsyncSession, call: Call, existing: dict[str, int] | None = None) -> None:
        self.session = session
        self.call = call
        self._keys = dict(existing or {})
        self._next_seq = max(self._keys.values(), default=0) + 1

    @classmethod
    async def load(cls, session: AsyncSession, call: Call) -> Journey:
        rows = await session.execute(select(CallEvent.key, CallEvent.seq).where(CallEvent.call_id == call.id))
        return cls(session, call, {key: seq for key, seq in rows})

    @classmethod
    def after(cls, session: AsyncSession, call: Call, last_seq: int) -> Journey:
        """The journey continued after event ``last_seq`` without reading its keys: for a writer that
        holds the call's row lock and writes keys no other writer uses (a flow step's ``flow:<n>``), one
        query fewer on a hot path. Wherever keys may repeat, use ``load``."""
        journey = cls(session, call)
        journey._next_seq = last_seq + 1
        return journey

    def has(self, key: str) -> bool:
        return key in self._keys

    def add(
        self,
        type: EventType,
        *,
        key: str | None = None,
        reason: str | None = None,
        detail: dict[str, Any] | None = None,
        latency_ms: float | None = None,
        at: datetime | None = None,
    ) -> bool:
        """Adds the event unless its key is already there; returns whether it was added."""
        seq = self._next_seq
        key = key or f"{type}:{seq}"
        if key in self._keys:
            return False
        self._keys[key] = seq
        self._next_seq += 1
        self.session.add(
            CallEvent(
                account_id=self.call.account_id,
                call_id=self.call.id,
                seq=seq,
                key=key,
                type=type,
                at=at or utcnow(),
                reason=reason,
                detail=detail or {},
                latency_ms=None if latency_ms is None else round(latency_ms, 3),
            )
        )
        return True
