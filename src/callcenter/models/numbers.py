"""Tracking phone numbers and the pools that lease them to website visitors."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.models.base import Base, EnumText, IdMixin, TenantMixin, TimestampMixin


class OverflowPolicy(StrEnum):
    """What an exhausted pool does: show the pool's default number, or reuse the oldest lease (flagged
    ambiguous, since two visitors then share a number)."""

    DEFAULT_NUMBER = "default_number"
    REUSE_OLDEST = "reuse_oldest"


class NumberPool(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "number_pools"
    __table_args__ = (
        UniqueConstraint("account_id", "name"),
        CheckConstraint("lease_seconds > 0 AND max_lease_seconds >= lease_seconds", name="lease_bounds"),
    )

    name: Mapped[str] = mapped_column(String(200))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    lease_seconds: Mapped[int] = mapped_column(default=300)
    max_lease_seconds: Mapped[int] = mapped_column(default=1800)
    overflow_policy: Mapped[OverflowPolicy] = mapped_column(
        EnumText(OverflowPolicy), default=OverflowPolicy.DEFAULT_NUMBER
    )
    # Shown when the pool is exhausted under the default_number policy (and when DNI fails).
    default_number: Mapped[str | None] = mapped_column(String(32))


class PhoneNumber(IdMixin, TimestampMixin, TenantMixin, Base):
    """A tracking number. It belongs to one campaign directly or to one pool, never both.

    Pool membership is the single ``pool_id`` column, so a number can be in at most one pool by
    construction; the check constraint forbids a campaign and a pool at once.
    """

    __tablename__ = "phone_numbers"
    __table_args__ = (
        # A number rings in exactly one account: the voice webhook finds the number by To alone.
        UniqueConstraint("number"),
        CheckConstraint("campaign_id IS NULL OR pool_id IS NULL", name="campaign_or_pool"),
    )

    number: Mapped[str] = mapped_column(String(32))
    friendly_name: Mapped[str] = mapped_column(String(200), default="")
    provider_sid: Mapped[str | None] = mapped_column(String(64))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    pool_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("number_pools.id", ondelete="SET NULL"), index=True
    )
    publisher_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("publishers.id", ondelete="SET NULL"), index=True
    )
