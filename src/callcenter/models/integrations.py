"""Integrations: pixels, webhooks and RedTrack postbacks fired on call events, their outbox of deliveries
with the log of every attempt, inbound conversion postbacks, and campaigns' custom URL parameters."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.models.base import Base, EnumText, IdMixin, TenantMixin, TimestampMixin, utcnow
from callcenter.models.base_types import JsonDocument


class IntegrationKind(StrEnum):
    """``pixel``: a URL fired as configured (GET or POST, any body). ``webhook``: a JSON POST signed per
    Standard Webhooks. ``redtrack``: RAWCall/AnsweredCall/ConvertedCall postbacks to a RedTrack domain."""

    PIXEL = "pixel"
    WEBHOOK = "webhook"
    REDTRACK = "redtrack"


class HttpMethod(StrEnum):
    GET = "GET"
    POST = "POST"


class DeliveryStatus(StrEnum):
    """``pending`` waits for its next attempt (or is being attempted); ``delivered`` got a success;
    ``failed`` used up every retry (the dead letter, until someone replays it)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class PostbackOutcome(StrEnum):
    CONVERTED = "converted"
    UNCHANGED = "unchanged"
    NOT_FOUND = "not_found"
    INVALID = "invalid"


class Integration(IdMixin, TimestampMixin, TenantMixin, Base):
    """One pixel, webhook or RedTrack postback, for one campaign or (``campaign_id`` null) the account.

    ``url``, ``headers`` values and ``body`` are ``{token}`` templates. ``event`` is the call event that
    fires a pixel or webhook; a RedTrack integration fires on several events and leaves it null.
    """

    __tablename__ = "integrations"
    __table_args__ = (
        UniqueConstraint("account_id", "name"),
        Index("ix_integrations_account_active", "account_id", "active"),
    )

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[IntegrationKind] = mapped_column(EnumText(IntegrationKind))
    event: Mapped[str | None] = mapped_column(String(20))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[HttpMethod] = mapped_column(EnumText(HttpMethod, length=8), default=HttpMethod.GET)
    url: Mapped[str] = mapped_column(String(2000))
    headers: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    body: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(100))
    conditions: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # Kind-specific settings (RedTrack: conversion threshold, click id parameter).
    settings: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    timeout_ms: Mapped[int] = mapped_column(default=5000)
    active: Mapped[bool] = mapped_column(default=True)
    # The Standard Webhooks signing secret ("whsec_" + base64), for webhooks.
    secret: Mapped[str | None] = mapped_column(String(100))


class OutboxDelivery(IdMixin, TenantMixin, Base):
    """One request to deliver, written in the same transaction as the call change that caused it.

    The request is rendered when the event happens (so every retry sends the same thing, and the values
    are those of that moment); a webhook's signature is computed at each attempt, over its timestamp.
    ``dedupe_key`` makes a delivery happen at most once (RedTrack: one ConvertedCall per click id).
    ``claim_token`` names the worker's claim: a worker records its result only while its claim holds.
    """

    __tablename__ = "outbox_deliveries"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_outbox_deliveries_due", "status", "next_attempt_at"),
        Index("ix_outbox_deliveries_account_created", "account_id", "created_at"),
    )

    # Null for a call flow's pixel node, which is no integration of its own.
    integration_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("integrations.id", ondelete="CASCADE"), index=True
    )
    call_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    kind: Mapped[IntegrationKind] = mapped_column(EnumText(IntegrationKind))
    method: Mapped[HttpMethod] = mapped_column(EnumText(HttpMethod, length=8))
    url: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    body: Mapped[str | None] = mapped_column(Text)
    timeout_ms: Mapped[int] = mapped_column(default=5000)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[DeliveryStatus] = mapped_column(EnumText(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim_token: Mapped[uuid.UUID | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliveryAttempt(IdMixin, TenantMixin, Base):
    """One try of a delivery: when, how long, what came back (the body cut to a few hundred bytes)."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (Index("ix_delivery_attempts_delivery_attempt", "delivery_id", "attempt"),)

    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox_deliveries.id", ondelete="CASCADE"))
    attempt: Mapped[int]
    started_at: Mapped[datetime]
    latency_ms: Mapped[float]
    success: Mapped[bool]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(500))
    response_body: Mapped[str | None] = mapped_column(Text)


class PostbackToken(IdMixin, TimestampMixin, TenantMixin, Base):
    """A secret URL (``/api/postback/{token}``) through which a buyer reports a conversion."""

    __tablename__ = "postback_tokens"
    __table_args__ = (UniqueConstraint("token"), UniqueConstraint("account_id", "name"))

    name: Mapped[str] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(String(64))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)


class PostbackLog(IdMixin, TenantMixin, Base):
    """One postback received, whatever came of it."""

    __tablename__ = "postback_logs"
    __table_args__ = (Index("ix_postback_logs_token_received", "token_id", "received_at"),)

    token_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("postback_tokens.id", ondelete="CASCADE"))
    received_at: Mapped[datetime]
    method: Mapped[str] = mapped_column(String(8))
    params: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    outcome: Mapped[PostbackOutcome] = mapped_column(EnumText(PostbackOutcome))
    call_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    amount: Mapped[Decimal | None]
    message: Mapped[str] = mapped_column(String(500), default="")


class CampaignUrlParameter(IdMixin, TimestampMixin, TenantMixin, Base):
    """A custom query parameter a campaign's landing pages carry (``?keyword=...``): captured onto the
    call by DNI, available as the token ``{name}`` and as a report column."""

    __tablename__ = "campaign_url_parameters"
    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
