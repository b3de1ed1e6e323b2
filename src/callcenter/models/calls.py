"""Call records, their dial attempts and their journey of events."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.models.base import Base, EnumText, IdMixin, TenantMixin, TimestampMixin
from callcenter.models.base_types import JsonDocument


class CallStatus(StrEnum):
    RINGING = "ringing"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    CANCELED = "canceled"
    REJECTED = "rejected"


FINAL_STATUSES = frozenset(
    {
        CallStatus.COMPLETED,
        CallStatus.NO_ANSWER,
        CallStatus.BUSY,
        CallStatus.FAILED,
        CallStatus.CANCELED,
        CallStatus.REJECTED,
    }
)


class AttemptStatus(StrEnum):
    DIALING = "dialing"
    COMPLETED = "completed"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    CANCELED = "canceled"


class Call(IdMixin, TimestampMixin, TenantMixin, Base):
    """One inbound call, from the first webhook to its settlement (conversion, revenue, payout).

    References to configuration rows never dangle: campaigns, buyers, targets and publishers are archived,
    not deleted, and numbers with calls cannot be deleted (NO ACTION foreign keys).
    """

    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("call_sid"),
        Index("ix_calls_account_started", "account_id", "started_at"),
        Index("ix_calls_campaign_caller_started", "campaign_id", "caller", "started_at"),
        Index("ix_calls_target_started", "target_id", "started_at"),
    )

    call_sid: Mapped[str] = mapped_column(String(64))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campaigns.id"))
    number_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("phone_numbers.id"), index=True)
    pool_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("number_pools.id", ondelete="SET NULL"))
    publisher_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("publishers.id"), index=True)
    target_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("targets.id"))
    buyer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("buyers.id"), index=True)
    visitor_session_id: Mapped[uuid.UUID | None]
    caller: Mapped[str] = mapped_column(String(64))
    called: Mapped[str] = mapped_column(String(64))
    caller_state: Mapped[str | None] = mapped_column(String(8))
    caller_zip: Mapped[str | None] = mapped_column(String(16))
    caller_city: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[CallStatus] = mapped_column(EnumText(CallStatus), default=CallStatus.RINGING)
    # Twilio's final status of the inbound leg, as reported by the status callback.
    provider_status: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    duration_seconds: Mapped[int] = mapped_column(default=0)
    connected_seconds: Mapped[int] = mapped_column(default=0)
    revenue: Mapped[Decimal] = mapped_column(default=Decimal(0))
    payout: Mapped[Decimal] = mapped_column(default=Decimal(0))
    # What the publisher earns if this call converts: the campaign's payout or the publisher's override,
    # fixed when the call arrives so later edits do not rewrite history.
    payout_rate: Mapped[Decimal] = mapped_column(default=Decimal(0))
    converted: Mapped[bool] = mapped_column(default=False)
    # A buyer's conversion postback (integrations): converted whatever the duration, at its amount if given.
    postback_converted: Mapped[bool] = mapped_column(default=False)
    postback_revenue: Mapped[Decimal | None]
    duplicate: Mapped[bool] = mapped_column(default=False)
    duplicate_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    recording_url: Mapped[str | None] = mapped_column(String(500))
    recording_sid: Mapped[str | None] = mapped_column(String(64))
    auction_id: Mapped[uuid.UUID | None]
    winning_bid: Mapped[Decimal | None]
    # The conversion threshold of the connected destination, fixed when it answered.
    conversion_seconds: Mapped[int | None]
    utm_source: Mapped[str | None] = mapped_column(String(255))
    utm_medium: Mapped[str | None] = mapped_column(String(255))
    utm_campaign: Mapped[str | None] = mapped_column(String(255))
    utm_term: Mapped[str | None] = mapped_column(String(255))
    utm_content: Mapped[str | None] = mapped_column(String(255))
    gclid: Mapped[str | None] = mapped_column(String(255))
    # Other click ids and captured parameters (fbclid, msclkid, rtkclickid, sub ids, custom ones).
    attribution: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # The routing outcome when nobody was connected by routing (fallback, closed, rejected, duplicate).
    disposition: Mapped[str | None] = mapped_column(String(40))


class CallAttempt(IdMixin, TenantMixin, Base):
    """One destination rung for a call; ``attempt`` numbers them from 1 and keys dial callbacks."""

    __tablename__ = "call_attempts"
    __table_args__ = (UniqueConstraint("call_id", "attempt"),)

    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    attempt: Mapped[int]
    target_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("targets.id"))
    buyer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("buyers.id"))
    bid_id: Mapped[uuid.UUID | None]
    destination: Mapped[str] = mapped_column(String(255))
    revenue: Mapped[Decimal] = mapped_column(default=Decimal(0))
    conversion_seconds: Mapped[int]
    slot_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[AttemptStatus] = mapped_column(EnumText(AttemptStatus), default=AttemptStatus.DIALING)
    dial_call_sid: Mapped[str | None] = mapped_column(String(64))
    duration_seconds: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class CallEvent(IdMixin, TenantMixin, Base):
    """One step of a call's journey.

    ``key`` makes events idempotent: Twilio repeats callbacks, and the event of a callback that was
    already applied is not written again, so replays leave the journey as it was.
    """

    __tablename__ = "call_events"
    __table_args__ = (
        UniqueConstraint("call_id", "key"),
        Index("ix_call_events_call_seq", "call_id", "seq"),
    )

    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    seq: Mapped[int]
    key: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    latency_ms: Mapped[float | None]


# The rows a call's webhooks add (written by prepared INSERTs, kit/prepared.insert_added): each sets its
# foreign keys as plain columns.
CALL_RECORD_MODELS = (Call, CallAttempt, CallEvent)
