"""Where other capabilities plug into the call engine, each behind one small interface with a no-op
default, so the engine's flow stays in one place:

- ``AttributionSource`` (DNI): who the caller is as a website visitor (session, UTMs, click ids,
  publisher), read when the call arrives.
- ``BidSource`` (real-time bidding): the valid bids for a call of an RTB campaign; asked for the first
  attempt (it runs the auction) and again on fall-through (it returns the remaining unexpired bids).
- ``CallEventSink`` (integrations): told about call events (incoming, routed, answered, converted,
  completed, failed) inside the call's transaction, so deliveries are written with the change that
  caused them. The engine emits each event at most once per call, also under repeated callbacks.
- ``FlowRunner`` (call flows): answers a call whose campaign has a published flow; ``current`` repeats
  the prompt a call waits at, for a repeated voice webhook.
- ``PixelSink`` (integrations): queues one HTTP request (a flow's tracking pixel) for delivery, inside
  the call's transaction.

An extension that must do slow network work for a webhook (the RTB auction) raises ``NetworkFirst``
rather than doing it inside the webhook's database transaction (see ``run_network_first``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.calls import Call
from callcenter.models.campaigns import Campaign
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.routing import BidSnapshot

if TYPE_CHECKING:
    from callcenter.calls.dialing import DialContext
    from callcenter.telephony.instructions import VoiceReply

T = TypeVar("T")
NETWORK_ROUNDS = 2
_network_first: ContextVar[bool] = ContextVar("network_first", default=False)


class NetworkFirst(Exception):
    """Raised inside a webhook's transaction by an extension that must first do slow network work.

    An auction pings bidders for up to a second; doing that inside the transaction would hold a pooled
    connection and, on SQLite, the database's write lock (every transaction is BEGIN IMMEDIATE), stalling
    every other call meanwhile. So the extension raises this instead; the webhook rolls back, awaits
    ``prepare()`` with no transaction open, and runs its transaction again, where the extension finds the
    result of its work. Work done before the raise is done again, so an extension raises it before it
    changes anything outside the session.

    Only raised where the caller runs its transaction through ``run_network_first``
    (``network_first_allowed()``); elsewhere the extension does its network work inline.
    """

    def __init__(self, prepare: Callable[[], Awaitable[None]]) -> None:
        super().__init__("network work must run before the transaction")
        self.prepare = prepare


def network_first_allowed() -> bool:
    return _network_first.get()


async def run_network_first(transaction: Callable[[], Awaitable[T]]) -> T:
    """Runs ``transaction`` (which opens and ends its own database transaction), serving each
    ``NetworkFirst`` raised inside it: its work runs with no transaction open, then the transaction runs
    again. After ``NETWORK_ROUNDS`` rounds, extensions do their work inline."""
    token = _network_first.set(True)
    try:
        for _ in range(NETWORK_ROUNDS):
            try:
                return await transaction()
            except NetworkFirst as first:
                await first.prepare()
        _network_first.set(False)
        return await transaction()
    finally:
        _network_first.reset(token)


class CallEventName(StrEnum):
    INCOMING = "incoming"
    ROUTED = "routed"
    ANSWERED = "answered"
    CONVERTED = "converted"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class CallAttribution:
    """What is known about the caller from the web; ``ambiguous`` when the lease was shared or stale."""

    visitor_session_id: uuid.UUID | None = None
    publisher_id: uuid.UUID | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    utm_term: str | None = None
    utm_content: str | None = None
    gclid: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    ambiguous: bool = False


class AttributionSource(Protocol):
    async def attribute(
        self, session: AsyncSession, *, number: PhoneNumber, pool: NumberPool | None, now: datetime
    ) -> CallAttribution | None: ...


class BidSource(Protocol):
    async def bids(
        self, session: AsyncSession, ctx: DialContext, *, attempt: int
    ) -> tuple[BidSnapshot, ...]: ...


class CallEventSink(Protocol):
    async def emit(self, session: AsyncSession, call: Call, event: CallEventName) -> None: ...


class FlowRunner(Protocol):
    async def start(self, session: AsyncSession, ctx: DialContext) -> VoiceReply | None: ...

    async def current(self, session: AsyncSession, call: Call) -> VoiceReply | None: ...


class PixelSink(Protocol):
    async def enqueue(
        self,
        session: AsyncSession,
        call: Call,
        *,
        url: str,
        method: str,
        headers: dict[str, str],
        body: str | None,
    ) -> None: ...


class NoAttribution:
    async def attribute(
        self, session: AsyncSession, *, number: PhoneNumber, pool: NumberPool | None, now: datetime
    ) -> CallAttribution | None:
        return None


class NoBids:
    async def bids(self, session: AsyncSession, ctx: DialContext, *, attempt: int) -> tuple[BidSnapshot, ...]:
        return ()


class NoEvents:
    async def emit(self, session: AsyncSession, call: Call, event: CallEventName) -> None:
        return None


class NoFlows:
    async def start(self, session: AsyncSession, ctx: DialContext) -> VoiceReply | None:
        return None

    async def current(self, session: AsyncSession, call: Call) -> VoiceReply | None:
        return None


class NoPixels:
    async def enqueue(
        self,
        session: AsyncSession,
        call: Call,
        *,
        url: str,
        method: str,
        headers: dict[str, str],
        body: str | None,
    ) -> None:
        return None


def uses_flow(campaign: Campaign) -> bool:
    return campaign.flow_id is not None
