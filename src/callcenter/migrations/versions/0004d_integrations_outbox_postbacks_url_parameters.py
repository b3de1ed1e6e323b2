"""integrations: outbox, attempts, postback tokens and logs, campaign URL parameters; call postback columns

Revision ID: 0004d
Revises: 0003
Create Date: 2026-11-21 12:52:06.230982
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import callcenter.models.base

revision: str = "0004d"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign_url_parameters",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
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
            name=op.f("fk_campaign_url_parameters_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_url_parameters_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_url_parameters")),
        sa.UniqueConstraint("campaign_id", "name", name=op.f("uq_campaign_url_parameters_campaign_id_name")),
    )
    with op.batch_alter_table("campaign_url_parameters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_url_parameters_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_campaign_url_parameters_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "integrations",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column(
            "headers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column(
            "conditions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("timeout_ms", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=True),
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
            name=op.f("fk_integrations_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_integrations_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_integrations_account_id_name")),
    )
    with op.batch_alter_table("integrations", schema=None) as batch_op:
        batch_op.create_index("ix_integrations_account_active", ["account_id", "active"], unique=False)
        batch_op.create_index(batch_op.f("ix_integrations_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_integrations_campaign_id"), ["campaign_id"], unique=False)

    op.create_table(
        "postback_tokens",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
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
            name=op.f("fk_postback_tokens_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_postback_tokens_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postback_tokens")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_postback_tokens_account_id_name")),
        sa.UniqueConstraint("token", name=op.f("uq_postback_tokens_token")),
    )
    with op.batch_alter_table("postback_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postback_tokens_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_postback_tokens_campaign_id"), ["campaign_id"], unique=False)

    op.create_table(
        "outbox_deliveries",
        sa.Column("integration_id", sa.Uuid(), nullable=True),
        sa.Column("call_id", sa.Uuid(), nullable=True),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column(
            "headers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("timeout_ms", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claim_token", sa.Uuid(), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_outbox_deliveries_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_outbox_deliveries_call_id_calls"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_outbox_deliveries_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_deliveries")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_deliveries_dedupe_key")),
    )
    with op.batch_alter_table("outbox_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_deliveries_account_created", ["account_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outbox_deliveries_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_deliveries_call_id"), ["call_id"], unique=False)
        batch_op.create_index("ix_outbox_deliveries_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_deliveries_integration_id"), ["integration_id"], unique=False
        )

    op.create_table(
        "postback_logs",
        sa.Column("token_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=True),
        sa.Column("amount", callcenter.models.base.Money(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_postback_logs_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_postback_logs_call_id_calls"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["postback_tokens.id"],
            name=op.f("fk_postback_logs_token_id_postback_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postback_logs")),
    )
    with op.batch_alter_table("postback_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postback_logs_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_postback_logs_token_received", ["token_id", "received_at"], unique=False)

    op.create_table(
        "delivery_attempts",
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("started_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("latency_ms", sa.Double(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_delivery_attempts_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["outbox_deliveries.id"],
            name=op.f("fk_delivery_attempts_delivery_id_outbox_deliveries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempts")),
    )
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_attempts_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            "ix_delivery_attempts_delivery_attempt", ["delivery_id", "attempt"], unique=False
        )

    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("postback_converted", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("postback_revenue", callcenter.models.base.Money(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("postback_revenue")
        batch_op.drop_column("postback_converted")

    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_attempts_delivery_attempt")
        batch_op.drop_index(batch_op.f("ix_delivery_attempts_account_id"))

    op.drop_table("delivery_attempts")
    with op.batch_alter_table("postback_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_postback_logs_token_received")
        batch_op.drop_index(batch_op.f("ix_postback_logs_account_id"))

    op.drop_table("postback_logs")
    with op.batch_alter_table("outbox_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_deliveries_integration_id"))
        batch_op.drop_index("ix_outbox_deliveries_due")
        batch_op.drop_index(batch_op.f("ix_outbox_deliveries_call_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_deliveries_account_id"))
        batch_op.drop_index("ix_outbox_deliveries_account_created")

    op.drop_table("outbox_deliveries")
    with op.batch_alter_table("postback_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postback_tokens_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_postback_tokens_account_id"))

    op.drop_table("postback_tokens")
    with op.batch_alter_table("integrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrations_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_integrations_account_id"))
        batch_op.drop_index("ix_integrations_account_active")

    op.drop_table("integrations")
    with op.batch_alter_table("campaign_url_parameters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_url_parameters_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_campaign_url_parameters_account_id"))

    op.drop_table("campaign_url_parameters")
