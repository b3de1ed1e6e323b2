"""Buyers, their targets (where calls ring) and the assignment of targets to campaigns."""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.models.base import Base, EnumText, IdMixin, TenantMixin, TimestampMixin
from callcenter.models.base_types import JsonDocument
from callcenter.models.campaigns import CapsMixin


class PartyStatus(StrEnum):
    """Status of buyers, targets and publishers. Only ``active`` ones take calls."""

    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


class Buyer(IdMixin, TimestampMixin, TenantMixin, CapsMixin, Base):
    __tablename__ = "buyers"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[PartyStatus] = mapped_column(EnumText(PartyStatus), default=PartyStatus.ACTIVE)
    notes: Mapped[str] = mapped_column(Text, default="")


class Target(IdMixin, TimestampMixin, TenantMixin, CapsMixin, Base):
    __tablename__ = "targets"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 10", name="priority_range"),
        CheckConstraint("weight BETWEEN 1 AND 100", name="weight_range"),
    )

    # NO ACTION foreign keys (not RESTRICT): a buyer with targets cannot be deleted on its own, yet deleting
    # a whole account still cascades, because NO ACTION is checked at the end of the statement.
    buyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("buyers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    destination: Mapped[str] = mapped_column(String(255))
    status: Mapped[PartyStatus] = mapped_column(EnumText(PartyStatus), default=PartyStatus.ACTIVE)
    priority: Mapped[int] = mapped_column(default=1)
    weight: Mapped[int] = mapped_column(default=1)
    # {"timezone": "...", "weekly": {"mon": [{"start": "09:00", "end": "17:00"}], ...}, "holidays": [...]}
    schedule: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    allowed_states: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    revenue: Mapped[Decimal] = mapped_column(default=Decimal(0))
    conversion_seconds: Mapped[int | None]


class CampaignTarget(IdMixin, TimestampMixin, TenantMixin, Base):
    """A target taking a campaign's calls, with optional priority/weight overrides for that campaign."""

    __tablename__ = "campaign_targets"
    __table_args__ = (
        UniqueConstraint("campaign_id", "target_id"),
        CheckConstraint("priority IS NULL OR priority BETWEEN 1 AND 10", name="priority_range"),
        CheckConstraint("weight IS NULL OR weight BETWEEN 1 AND 100", name="weight_range"),
    )

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("targets.id"), index=True)
    priority: Mapped[int | None]
    weight: Mapped[int | None]
