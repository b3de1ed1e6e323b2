"""Dynamic number insertion: tracking tags, visitor sessions, pool number leases and pool overflows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.models.base import Base, EnumText, IdMixin, TenantMixin, TimestampMixin
from callcenter.models.base_types import JsonDocument
from callcenter.models.numbers import OverflowPolicy

# "Never": the lease time of a pool number that was never leased, so that it sorts first and reads free.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


class NumberFormat(StrEnum):
    """How t.js writes the number into the page's text (``tel:`` links always get E.164).

    ``page`` keeps the format of the number it replaces digit for digit (``(800) 555-0100`` becomes
    ``(415) 555-0123``, ``800.555.0100`` becomes ``415.555.0123``); the others impose one format.
    """

    PAGE = "page"
    NATIONAL = "national"  # (415) 555-0123
    DASHES = "dashes"  # 415-555-0123
    DOTS = "dots"  # 415.555.0123
    E164 = "e164"  # +14155550123
    INTERNATIONAL = "international"  # +1 415-555-0123


class TrackingTag(IdMixin, TimestampMixin, TenantMixin, Base):
    """What one script tag on a landing page shows: a number of a pool (leased per visitor) or one
    static number. ``code`` is public (it is in the page's HTML) and unique in the installation, since
    ``/api/dni/track`` finds the tag, and so the account, by the code alone.

    The pool or number is set null when it is deleted: the tag then shows no number and the page keeps
    its own, rather than the tag vanishing from the account's configuration.
    """

    __tablename__ = "tracking_tags"
    __table_args__ = (UniqueConstraint("code"),)

    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(40))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    pool_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("number_pools.id", ondelete="SET NULL"), index=True
    )
    number_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("phone_numbers.id", ondelete="SET NULL"), index=True
    )
    # The tag's own publisher (a page run for one affiliate); a publisher named in the URL wins.
    publisher_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("publishers.id", ondelete="SET NULL"), index=True
    )
    # CSS selectors of the elements whose phone number text is swapped (tel: links always are).
    selectors: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    number_format: Mapped[NumberFormat] = mapped_column(EnumText(NumberFormat), default=NumberFormat.PAGE)
    # The query parameter naming the publisher (its id or name), e.g. ?publisher=acme.
    publisher_param: Mapped[str | None] = mapped_column(String(64), default="publisher")
    # Query parameters copied onto the call besides the known UTMs and click ids.
    custom_params: Mapped[list[str]] = mapped_column(JsonDocument, default=list)


class VisitorSession(IdMixin, TimestampMixin, TenantMixin, Base):
    """One visitor's lease of a number (or, for a static tag, one visit), with everything captured.

    A session lasts from ``leased_at`` to ``expires_at``; page views and renewals of the same visitor
    while it is active extend it (up to the pool's ``max_lease_seconds``) instead of opening another one.
    ``overflow`` marks a visitor who found the pool exhausted (shown the default number, or a reused
    one); ``ambiguous`` marks a reused number, which another visitor was holding too.
    """

    __tablename__ = "visitor_sessions"
    __table_args__ = (
        Index("ix_visitor_sessions_pool_visitor", "pool_id", "visitor_id", "leased_at"),
        Index("ix_visitor_sessions_tag_visitor", "tag_id", "visitor_id", "leased_at"),
        Index("ix_visitor_sessions_number_leased", "number_id", "leased_at"),
        Index("ix_visitor_sessions_pool_expires", "pool_id", "expires_at"),
    )

    tag_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tracking_tags.id", ondelete="SET NULL"))
    pool_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("number_pools.id", ondelete="SET NULL"))
    number_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("phone_numbers.id", ondelete="SET NULL"))
    # The number shown (E.164): the leased or static number, the pool's default number, or none.
    number: Mapped[str | None] = mapped_column(String(32))
    visitor_id: Mapped[str] = mapped_column(String(64))
    publisher_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("publishers.id", ondelete="SET NULL"))
    leased_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    renewals: Mapped[int] = mapped_column(default=0)
    overflow: Mapped[bool] = mapped_column(default=False)
    ambiguous: Mapped[bool] = mapped_column(default=False)
    landing_url: Mapped[str] = mapped_column(String(2000), default="")
    page_url: Mapped[str] = mapped_column(String(2000), default="")
    referrer: Mapped[str] = mapped_column(String(2000), default="")
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    utm_source: Mapped[str | None] = mapped_column(String(255))
    utm_medium: Mapped[str | None] = mapped_column(String(255))
    utm_campaign: Mapped[str | None] = mapped_column(String(255))
    utm_term: Mapped[str | None] = mapped_column(String(255))
    utm_content: Mapped[str | None] = mapped_column(String(255))
    gclid: Mapped[str | None] = mapped_column(String(255))
    # Every query parameter of the visit (click ids, sub ids, the publisher parameter, custom ones...).
    params: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)


class PoolNumberLease(TenantMixin, Base):
    """The lease state of one number of one pool: the row that concurrent visitors compete for.

    ``busy_until`` is when the number becomes free (the latest expiry of the sessions holding it);
    ``last_leased_at`` (when it was last leased or renewed) orders free numbers: the one held least
    recently goes first, so a number whose visitor only just left (and may still call) is handed out
    last. Leasing is a conditional
    UPDATE of this row, so the database decides which visitor wins a number. Rows are created for a
    pool's numbers as they are first needed; the row of a number that left the pool is ignored.
    """

    __tablename__ = "pool_number_leases"
    # Free numbers are found by walking this index in order (least recently held first).
    __table_args__ = (Index("ix_pool_number_leases_pool_leased", "pool_id", "last_leased_at", "number_id"),)

    pool_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("number_pools.id", ondelete="CASCADE"), primary_key=True
    )
    number_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("phone_numbers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_leased_at: Mapped[datetime] = mapped_column(default=NEVER)
    busy_until: Mapped[datetime] = mapped_column(default=NEVER)
    # The last session that got the number; no foreign key: sessions are history, this is hot state.
    session_id: Mapped[uuid.UUID | None]


class PoolOverflow(IdMixin, TenantMixin, Base):
    """A visitor who found the pool exhausted, and the overflow policy applied to them."""

    __tablename__ = "pool_overflows"
    __table_args__ = (Index("ix_pool_overflows_pool_at", "pool_id", "at"),)

    pool_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("number_pools.id", ondelete="CASCADE"))
    session_id: Mapped[uuid.UUID]
    at: Mapped[datetime]
    policy: Mapped[OverflowPolicy] = mapped_column(EnumText(OverflowPolicy))
