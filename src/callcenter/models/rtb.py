"""Real-time bidding: external bidders, their assignment to campaigns, auctions and the bids they got."""

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
from callcenter.models.buyers import PartyStatus
from callcenter.models.campaigns import CapsMixin

__all__ = ["Auction", "Bid", "BidRejection", "Bidder", "BidderMethod", "CampaignBidder", "PartyStatus"]


class BidderMethod(StrEnum):
    GET = "get"
    POST = "post"
    PUT = "put"


class BidRejection(StrEnum):
    """Why a bidder's answer is not a valid bid. Part of the public contract: never renamed.

    ``capped``: the bidder was not pinged because one of its caps is full. ``expired``: the bid arrived
    already past its own expiry.
    """

    TIMEOUT = "timeout"
    HTTP_ERROR = "http_error"
    INVALID_BODY = "invalid_body"
    NOT_ACCEPTED = "not_accepted"
    BELOW_MIN = "below_min"
    ABOVE_MAX = "above_max"
    NO_DESTINATION = "no_destination"
    INVALID_DESTINATION = "invalid_destination"
    CURRENCY_MISMATCH = "currency_mismatch"
    CAPPED = "capped"
    EXPIRED = "expired"


class Bidder(IdMixin, TimestampMixin, TenantMixin, CapsMixin, Base):
    """An external buyer answering pings with bids (a ring-tree target).

    Deleting a bidder archives it, so stored bids keep pointing at it.
    """

    __tablename__ = "rtb_bidders"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[PartyStatus] = mapped_column(EnumText(PartyStatus), default=PartyStatus.ACTIVE)
    endpoint_url: Mapped[str] = mapped_column(String(2000))
    method: Mapped[BidderMethod] = mapped_column(EnumText(BidderMethod, 8), default=BidderMethod.POST)
    content_type: Mapped[str] = mapped_column(String(100), default="application/json")
    headers: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    request_template: Mapped[str] = mapped_column(Text, default="")
    timeout_ms: Mapped[int] = mapped_column(default=2000)
    bid_amount_path: Mapped[str] = mapped_column(String(200), default="bidAmount")
    destination_path: Mapped[str] = mapped_column(String(200), default="destination")
    accepted_path: Mapped[str | None] = mapped_column(String(200))
    currency_path: Mapped[str | None] = mapped_column(String(200))
    duration_path: Mapped[str | None] = mapped_column(String(200))
    bid_id_path: Mapped[str | None] = mapped_column(String(200))
    expires_path: Mapped[str | None] = mapped_column(String(200))
    min_bid: Mapped[Decimal] = mapped_column(default=Decimal(0))
    max_bid: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(String(3), default="USD")


class CampaignBidder(IdMixin, TimestampMixin, TenantMixin, Base):
    """A bidder pinged on a campaign's calls, with the campaign's floor for it (null: the bidder's own)."""

    __tablename__ = "rtb_campaign_bidders"
    __table_args__ = (UniqueConstraint("campaign_id", "bidder_id"),)

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    bidder_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rtb_bidders.id"), index=True)
    min_bid: Mapped[Decimal | None]


class Auction(IdMixin, TenantMixin, Base):
    """One auction of one call: every eligible bidder pinged in parallel until the deadline."""

    __tablename__ = "rtb_auctions"
    __table_args__ = (
        Index("ix_rtb_auctions_account_started", "account_id", "started_at"),
        UniqueConstraint("call_id"),
    )

    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    started_at: Mapped[datetime]
    duration_ms: Mapped[float]
    deadline_ms: Mapped[int]
    bidders: Mapped[int] = mapped_column(default=0)
    valid_bids: Mapped[int] = mapped_column(default=0)
    winning_bid_id: Mapped[uuid.UUID | None]
    winning_bidder_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rtb_bidders.id"))
    winning_amount: Mapped[Decimal | None]


class Bid(IdMixin, TenantMixin, Base):
    """One bidder's answer in one auction (or why there was none), with what the analytics need.

    ``pinged`` is false when no request was sent (capped bidder, or a cached bid reused: ``cached``).
    ``raw_body`` keeps the start of the response body for troubleshooting.
    """

    __tablename__ = "rtb_bids"
    __table_args__ = (
        Index("ix_rtb_bids_auction", "auction_id"),
        Index("ix_rtb_bids_bidder_at", "bidder_id", "at"),
        Index("ix_rtb_bids_account_at", "account_id", "at"),
    )

    auction_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rtb_auctions.id", ondelete="CASCADE"))
    bidder_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rtb_bidders.id"))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campaigns.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    pinged: Mapped[bool] = mapped_column(default=True)
    cached: Mapped[bool] = mapped_column(default=False)
    accepted: Mapped[bool] = mapped_column(default=False)
    valid: Mapped[bool] = mapped_column(default=False)
    won: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[BidRejection | None] = mapped_column(EnumText(BidRejection, 30))
    detail: Mapped[str | None] = mapped_column(String(500))
    amount: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    destination: Mapped[str | None] = mapped_column(String(255))
    external_bid_id: Mapped[str | None] = mapped_column(String(200))
    duration_seconds: Mapped[int | None]
    expires_at: Mapped[datetime | None]
    http_status: Mapped[int | None]
    latency_ms: Mapped[float | None]
    raw_body: Mapped[str | None] = mapped_column(Text)
    parsed: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
