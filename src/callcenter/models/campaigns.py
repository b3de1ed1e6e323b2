"""Campaigns: what a tracking number leads to, and how its calls are routed and paid."""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.models.base import Base, EnumText, IdMixin, TenantMixin, TimestampMixin
from callcenter.models.base_types import JsonDocument
from callcenter.routing.duplicates import DuplicateAction
from callcenter.routing.reasons import RoutingStrategy

__all__ = ["Campaign", "CampaignStatus", "CapsMixin", "DuplicateAction", "RoutingStrategy"]


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


class CapsMixin:
    """Concurrency (live calls) and hourly/daily/monthly (connected calls) caps; null = unlimited."""

    concurrency_cap: Mapped[int | None]
    hourly_cap: Mapped[int | None]
    daily_cap: Mapped[int | None]
    monthly_cap: Mapped[int | None]


class Campaign(IdMixin, TimestampMixin, TenantMixin, CapsMixin, Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        UniqueConstraint("account_id", "name"),
        CheckConstraint("max_attempts >= 1", name="max_attempts_positive"),
    )

    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[CampaignStatus] = mapped_column(EnumText(CampaignStatus), default=CampaignStatus.DRAFT)
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    routing_strategy: Mapped[RoutingStrategy] = mapped_column(
        EnumText(RoutingStrategy), default=RoutingStrategy.PRIORITY
    )
    rtb_enabled: Mapped[bool] = mapped_column(default=False)
    auction_timeout_ms: Mapped[int] = mapped_column(default=800)
    # The call flow answering this campaign's calls (the flow engine adds the foreign key).
    flow_id: Mapped[uuid.UUID | None]
    allowed_states: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    dedupe_seconds: Mapped[int] = mapped_column(default=0)
    duplicate_action: Mapped[DuplicateAction] = mapped_column(
        EnumText(DuplicateAction), default=DuplicateAction.ROUTE
    )
    record_calls: Mapped[bool] = mapped_column(default=False)
    dial_timeout_seconds: Mapped[int] = mapped_column(default=30)
    max_attempts: Mapped[int] = mapped_column(default=3)
    conversion_seconds: Mapped[int] = mapped_column(default=60)
    payout: Mapped[Decimal] = mapped_column(default=Decimal(0))
    fallback_number: Mapped[str | None] = mapped_column(String(32))
    closed_message: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
