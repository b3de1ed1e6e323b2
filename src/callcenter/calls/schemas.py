"""Bodies of the call read API."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from callcenter.models.calls import AttemptStatus, CallStatus


class JourneyEvent(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    type: str
    at: datetime
    reason: str | None
    detail: dict[str, Any]
    latency_ms: float | None


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempt: int
    target_id: uuid.UUID | None
    buyer_id: uuid.UUID | None
    bid_id: uuid.UUID | None
    destination: str
    status: AttemptStatus
    duration_seconds: int
    revenue: Decimal
    started_at: datetime
    ended_at: datetime | None


class CallRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    call_sid: str
    campaign_id: uuid.UUID | None
    number_id: uuid.UUID | None
    pool_id: uuid.UUID | None
    publisher_id: uuid.UUID | None
    target_id: uuid.UUID | None
    buyer_id: uuid.UUID | None
    status: CallStatus
    disposition: str | None
    caller: str
    called: str
    caller_state: str | None
    caller_zip: str | None
    caller_city: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int
    connected_seconds: int
    revenue: Decimal
    payout: Decimal
    converted: bool
    duplicate: bool
    duplicate_of_id: uuid.UUID | None
    recording_url: str | None
    auction_id: uuid.UUID | None
    winning_bid: Decimal | None
    visitor_session_id: uuid.UUID | None
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    utm_term: str | None
    utm_content: str | None
    gclid: str | None
    attribution: dict[str, Any]


class CallDetail(CallRead):
    journey: list[JourneyEvent]
    attempts: list[AttemptRead]
