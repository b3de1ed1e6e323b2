"""Publishers (affiliates) who bring calls, and their per-campaign payout overrides."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.models.base import Base, EnumText, IdMixin, TenantMixin, TimestampMixin
from callcenter.models.base_types import JsonDocument
from callcenter.models.buyers import PartyStatus


class Publisher(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "publishers"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[PartyStatus] = mapped_column(EnumText(PartyStatus), default=PartyStatus.ACTIVE)
    # Sub ids the publisher passes on (sub1..sub5 style), reported per call.
    sub_ids: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")


class PublisherPayout(IdMixin, TimestampMixin, TenantMixin, Base):
    """Overrides the campaign's payout for one publisher."""

    __tablename__ = "publisher_payouts"
    __table_args__ = (UniqueConstraint("publisher_id", "campaign_id"),)

    publisher_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("publishers.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    payout: Mapped[Decimal]
