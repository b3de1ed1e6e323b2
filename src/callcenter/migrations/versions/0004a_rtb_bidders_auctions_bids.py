"""rtb: bidders, campaign assignments, auctions, bids

Revision ID: 0004a
Revises: 0003
Create Date: 2026-11-21 12:51:43.313646
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

from callcenter.models.base import Money, UTCDateTime
from callcenter.models.base_types import JsonDocument

revision: str = "0004a"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", UTCDateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    ]


def _account(table: str) -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f(f"fk_{table}_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "rtb_bidders",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("endpoint_url", sa.String(length=2000), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("headers", JsonDocument, nullable=False),
        sa.Column("request_template", sa.Text(), nullable=False),
        sa.Column("timeout_ms", sa.Integer(), nullable=False),
        sa.Column("bid_amount_path", sa.String(length=200), nullable=False),
        sa.Column("destination_path", sa.String(length=200), nullable=False),
        sa.Column("accepted_path", sa.String(length=200), nullable=True),
        sa.Column("currency_path", sa.String(length=200), nullable=True),
        sa.Column("duration_path", sa.String(length=200), nullable=True),
        sa.Column("bid_id_path", sa.String(length=200), nullable=True),
        sa.Column("expires_path", sa.String(length=200), nullable=True),
        sa.Column("min_bid", Money(), nullable=False),
        sa.Column("max_bid", Money(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("concurrency_cap", sa.Integer(), nullable=True),
        sa.Column("hourly_cap", sa.Integer(), nullable=True),
        sa.Column("daily_cap", sa.Integer(), nullable=True),
        sa.Column("monthly_cap", sa.Integer(), nullable=True),
        *_timestamps(),
        *_account("rtb_bidders"),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_rtb_bidders_account_id_name")),
    )
    with op.batch_alter_table("rtb_bidders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rtb_bidders_account_id"), ["account_id"], unique=False)

    op.create_table(
        "rtb_campaign_bidders",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("bidder_id", sa.Uuid(), nullable=False),
        sa.Column("min_bid", Money(), nullable=True),
        *_timestamps(),
        *_account("rtb_campaign_bidders"),
        sa.ForeignKeyConstraint(
            ["bidder_id"], ["rtb_bidders.id"], name=op.f("fk_rtb_campaign_bidders_bidder_id_rtb_bidders")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_rtb_campaign_bidders_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "campaign_id", "bidder_id", name=op.f("uq_rtb_campaign_bidders_campaign_id_bidder_id")
        ),
    )
    with op.batch_alter_table("rtb_campaign_bidders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rtb_campaign_bidders_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rtb_campaign_bidders_bidder_id"), ["bidder_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_rtb_campaign_bidders_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "rtb_auctions",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("duration_ms", sa.Double(), nullable=False),
        sa.Column("deadline_ms", sa.Integer(), nullable=False),
        sa.Column("bidders", sa.Integer(), nullable=False),
        sa.Column("valid_bids", sa.Integer(), nullable=False),
        sa.Column("winning_bid_id", sa.Uuid(), nullable=True),
        sa.Column("winning_bidder_id", sa.Uuid(), nullable=True),
        sa.Column("winning_amount", Money(), nullable=True),
        *_account("rtb_auctions"),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_rtb_auctions_call_id_calls"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_rtb_auctions_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["winning_bidder_id"],
            ["rtb_bidders.id"],
            name=op.f("fk_rtb_auctions_winning_bidder_id_rtb_bidders"),
        ),
        sa.UniqueConstraint("call_id", name=op.f("uq_rtb_auctions_call_id")),
    )
    with op.batch_alter_table("rtb_auctions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rtb_auctions_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_rtb_auctions_account_started", ["account_id", "started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_rtb_auctions_campaign_id"), ["campaign_id"], unique=False)

    op.create_table(
        "rtb_bids",
        sa.Column("auction_id", sa.Uuid(), nullable=False),
        sa.Column("bidder_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("pinged", sa.Boolean(), nullable=False),
        sa.Column("cached", sa.Boolean(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("won", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("amount", Money(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("destination", sa.String(length=255), nullable=True),
        sa.Column("external_bid_id", sa.String(length=200), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Double(), nullable=True),
        sa.Column("raw_body", sa.Text(), nullable=True),
        sa.Column("parsed", JsonDocument, nullable=False),
        *_account("rtb_bids"),
        sa.ForeignKeyConstraint(
            ["auction_id"],
            ["rtb_auctions.id"],
            name=op.f("fk_rtb_bids_auction_id_rtb_auctions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["bidder_id"], ["rtb_bidders.id"], name=op.f("fk_rtb_bids_bidder_id_rtb_bidders")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_rtb_bids_campaign_id_campaigns")
        ),
    )
    with op.batch_alter_table("rtb_bids", schema=None) as batch_op:
        batch_op.create_index("ix_rtb_bids_account_at", ["account_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_rtb_bids_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_rtb_bids_auction", ["auction_id"], unique=False)
        batch_op.create_index("ix_rtb_bids_bidder_at", ["bidder_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_table("rtb_bids")
    op.drop_table("rtb_auctions")
    op.drop_table("rtb_campaign_bidders")
    op.drop_table("rtb_bidders")
