"""Where other capabilities plug into the call engine, each behind one small interface with a no-op
default, so the engine's flow stays in one place:

- ``AttributionSource`` (DNI): who the caller is as a website visitor (session, UTMs, click ids,
  publisher), read when the call arrives.
- ``BidSource`` (real-time bidding): the valid bids for a call of an RTB campaign; asked for the first
  attempt (it runs the auction) and again on fall-through (it returns the remaining unexpired bids).
- ``CallEventSink`` (integrations): told about call events (incoming, routed, answered, converted,
  completed, failed) inside the call's transaction, so deliveries are written with the change that
  caused them. The engine emits each event at most once per call, also under repeated callbacks.
- ``FlowRunner`` (call flows): answers a call whose campaign has a published flow.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.calls import Call
from callcenter.models.campaigns import Campaign
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.routing import BidSnapshot

if TYPE_CHECKING:
    from callcenter.calls.dialing import DialContext
    from callcenter.telephony.instructions import VoiceReply


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


def uses_flow(campaign: Campaign) -> bool:
    return campaign.flow_id is not None
