"""Call flows: the editable draft, its immutable published versions, and the sessions of live calls."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.models.base import Base, EnumText, IdMixin, TenantMixin, TimestampMixin, utcnow
from callcenter.models.base_types import JsonDocument


class CallFlow(IdMixin, TimestampMixin, TenantMixin, Base):
    """A flow and its draft graph. Publishing copies the draft into a new ``CallFlowVersion``; calls run
    the latest published version, so editing the draft never changes what callers hear."""

    __tablename__ = "call_flows"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    graph: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # SHA-256 of the draft's canonical JSON, to tell whether it differs from the published version.
    draft_digest: Mapped[str] = mapped_column(String(64), default="")
    published_version: Mapped[int | None]
    published_digest: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None]


class CallFlowVersion(IdMixin, TenantMixin, Base):
    """A published graph; never changed once written (sessions of past calls point at it)."""

    __tablename__ = "call_flow_versions"
    __table_args__ = (UniqueConstraint("flow_id", "version"),)

    flow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("call_flows.id", ondelete="CASCADE"))
    version: Mapped[int]
    graph: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    digest: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class FlowSessionStatus(StrEnum):
    ACTIVE = "active"  # waiting for the caller, a transfer or a recording
    COMPLETED = "completed"  # reached an exit (routed, transferred, voicemail, hung up, ended)
    FAILED = "failed"  # a runtime fault: the call fell back to normal routing


class FlowSession(IdMixin, TimestampMixin, TenantMixin, Base):
    """One call's walk through one flow version, stored so that any server process can resume it.

    ``step`` counts the prompts sent; each webhook URL carries the step it answers, so a repeated or
    stale webhook is recognised and answered without moving the flow twice.
    """

    __tablename__ = "flow_sessions"
    __table_args__ = (
        UniqueConstraint("call_id"),
        Index("ix_flow_sessions_flow_created", "flow_id", "created_at"),
    )

    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    flow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("call_flows.id", ondelete="CASCADE"))
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("call_flow_versions.id", ondelete="CASCADE"))
    version: Mapped[int]
    status: Mapped[FlowSessionStatus] = mapped_column(
        EnumText(FlowSessionStatus), default=FlowSessionStatus.ACTIVE
    )
    # The node the session waits at, or where it ended (for drop-off per node).
    node_id: Mapped[str | None] = mapped_column(String(64))
    exit: Mapped[str | None] = mapped_column(String(20))
    step: Mapped[int] = mapped_column(default=0)
    state: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    ended_at: Mapped[datetime | None]
