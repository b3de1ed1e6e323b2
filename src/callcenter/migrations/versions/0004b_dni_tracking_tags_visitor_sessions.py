"""dni: tracking tags, visitor sessions, pool number leases, pool overflows

Revision ID: 0004b
Revises: 0003
Create Date: 2026-11-21 12:51:11.157644
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import callcenter.models.base

revision: str = "0004b"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pool_overflows",
        sa.Column("pool_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("at", callcenter.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("policy", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_pool_overflows_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["number_pools.id"],
            name=op.f("fk_pool_overflows_pool_id_number_pools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_overflows")),
    )
    with op.batch_alter_table("pool_overflows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pool_overflows_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_pool_overflows_pool_at", ["pool_id", "at"], unique=False)

    op.create_table(
        "pool_number_leases",
        sa.Column("pool_id", sa.Uuid(), nullable=False),
        sa.Column("number_id", sa.Uuid(), nullable=False),
        sa.Column("last_leased_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("busy_until", callcenter.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_pool_number_leases_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["number_id"],
            ["phone_numbers.id"],
            name=op.f("fk_pool_number_leases_number_id_phone_numbers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["number_pools.id"],
            name=op.f("fk_pool_number_leases_pool_id_number_pools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pool_id", "number_id", name=op.f("pk_pool_number_leases")),
    )
    with op.batch_alter_table("pool_number_leases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pool_number_leases_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pool_number_leases_number_id"), ["number_id"], unique=False)
        batch_op.create_index(
            "ix_pool_number_leases_pool_leased", ["pool_id", "last_leased_at", "number_id"], unique=False
        )

    op.create_table(
        "tracking_tags",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("pool_id", sa.Uuid(), nullable=True),
        sa.Column("number_id", sa.Uuid(), nullable=True),
        sa.Column("publisher_id", sa.Uuid(), nullable=True),
        sa.Column(
            "selectors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("number_format", sa.String(length=20), nullable=False),
        sa.Column("publisher_param", sa.String(length=64), nullable=True),
        sa.Column(
            "custom_params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            callcenter.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            callcenter.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_tracking_tags_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_tracking_tags_campaign_id_campaigns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["number_id"],
            ["phone_numbers.id"],
            name=op.f("fk_tracking_tags_number_id_phone_numbers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["number_pools.id"],
            name=op.f("fk_tracking_tags_pool_id_number_pools"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["publisher_id"],
            ["publishers.id"],
            name=op.f("fk_tracking_tags_publisher_id_publishers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_tags")),
        sa.UniqueConstraint("code", name=op.f("uq_tracking_tags_code")),
    )
    with op.batch_alter_table("tracking_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracking_tags_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracking_tags_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracking_tags_number_id"), ["number_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracking_tags_pool_id"), ["pool_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracking_tags_publisher_id"), ["publisher_id"], unique=False)

    op.create_table(
        "visitor_sessions",
        sa.Column("tag_id", sa.Uuid(), nullable=True),
        sa.Column("pool_id", sa.Uuid(), nullable=True),
        sa.Column("number_id", sa.Uuid(), nullable=True),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("visitor_id", sa.String(length=64), nullable=False),
        sa.Column("publisher_id", sa.Uuid(), nullable=True),
        sa.Column("leased_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("renewals", sa.Integer(), nullable=False),
        sa.Column("overflow", sa.Boolean(), nullable=False),
        sa.Column("ambiguous", sa.Boolean(), nullable=False),
        sa.Column("landing_url", sa.String(length=2000), nullable=False),
        sa.Column("page_url", sa.String(length=2000), nullable=False),
        sa.Column("referrer", sa.String(length=2000), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("utm_source", sa.String(length=255), nullable=True),
        sa.Column("utm_medium", sa.String(length=255), nullable=True),
        sa.Column("utm_campaign", sa.String(length=255), nullable=True),
        sa.Column("utm_term", sa.String(length=255), nullable=True),
        sa.Column("utm_content", sa.String(length=255), nullable=True),
        sa.Column("gclid", sa.String(length=255), nullable=True),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            callcenter.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            callcenter.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_visitor_sessions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["number_id"],
            ["phone_numbers.id"],
            name=op.f("fk_visitor_sessions_number_id_phone_numbers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["number_pools.id"],
            name=op.f("fk_visitor_sessions_pool_id_number_pools"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["publisher_id"],
            ["publishers.id"],
            name=op.f("fk_visitor_sessions_publisher_id_publishers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tracking_tags.id"],
            name=op.f("fk_visitor_sessions_tag_id_tracking_tags"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visitor_sessions")),
    )
    with op.batch_alter_table("visitor_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visitor_sessions_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_visitor_sessions_number_leased", ["number_id", "leased_at"], unique=False)
        batch_op.create_index("ix_visitor_sessions_pool_expires", ["pool_id", "expires_at"], unique=False)
        batch_op.create_index(
            "ix_visitor_sessions_pool_visitor", ["pool_id", "visitor_id", "leased_at"], unique=False
        )
        batch_op.create_index(
            "ix_visitor_sessions_tag_visitor", ["tag_id", "visitor_id", "leased_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("visitor_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_visitor_sessions_tag_visitor")
        batch_op.drop_index("ix_visitor_sessions_pool_visitor")
        batch_op.drop_index("ix_visitor_sessions_pool_expires")
        batch_op.drop_index("ix_visitor_sessions_number_leased")
        batch_op.drop_index(batch_op.f("ix_visitor_sessions_account_id"))

    op.drop_table("visitor_sessions")
    with op.batch_alter_table("tracking_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracking_tags_publisher_id"))
        batch_op.drop_index(batch_op.f("ix_tracking_tags_pool_id"))
        batch_op.drop_index(batch_op.f("ix_tracking_tags_number_id"))
        batch_op.drop_index(batch_op.f("ix_tracking_tags_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_tracking_tags_account_id"))

    op.drop_table("tracking_tags")
    with op.batch_alter_table("pool_number_leases", schema=None) as batch_op:
        batch_op.drop_index("ix_pool_number_leases_pool_leased")
        batch_op.drop_index(batch_op.f("ix_pool_number_leases_number_id"))
        batch_op.drop_index(batch_op.f("ix_pool_number_leases_account_id"))

    op.drop_table("pool_number_leases")
    with op.batch_alter_table("pool_overflows", schema=None) as batch_op:
        batch_op.drop_index("ix_pool_overflows_pool_at")
        batch_op.drop_index(batch_op.f("ix_pool_overflows_account_id"))

    op.drop_table("pool_overflows")
