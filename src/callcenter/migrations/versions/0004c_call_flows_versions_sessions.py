"""call flows, published versions, flow sessions

Revision ID: 0004c
Revises: 0003
Create Date: 2026-11-21 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import callcenter.models.base

revision: str = "0004c"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _timestamps() -> list[sa.Column[object]]:
    return [
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
    ]


def upgrade() -> None:
    op.create_table(
        "call_flows",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("graph", JSON_DOCUMENT, nullable=False),
        sa.Column("draft_digest", sa.String(length=64), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("published_digest", sa.String(length=64), nullable=True),
        sa.Column("published_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_timestamps(),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_call_flows_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_flows")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_call_flows_account_id_name")),
    )
    with op.batch_alter_table("call_flows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_flows_account_id"), ["account_id"], unique=False)

    op.create_table(
        "call_flow_versions",
        sa.Column("flow_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("graph", JSON_DOCUMENT, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("published_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_call_flow_versions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["call_flows.id"],
            name=op.f("fk_call_flow_versions_flow_id_call_flows"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by"],
            ["users.id"],
            name=op.f("fk_call_flow_versions_published_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_flow_versions")),
        sa.UniqueConstraint("flow_id", "version", name=op.f("uq_call_flow_versions_flow_id_version")),
    )
    with op.batch_alter_table("call_flow_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_flow_versions_account_id"), ["account_id"], unique=False)

    op.create_table(
        "flow_sessions",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("flow_id", sa.Uuid(), nullable=False),
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("node_id", sa.String(length=64), nullable=True),
        sa.Column("exit", sa.String(length=20), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("state", JSON_DOCUMENT, nullable=False),
        sa.Column("ended_at", callcenter.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_timestamps(),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_flow_sessions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_flow_sessions_call_id_calls"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["call_flows.id"],
            name=op.f("fk_flow_sessions_flow_id_call_flows"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["call_flow_versions.id"],
            name=op.f("fk_flow_sessions_version_id_call_flow_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_sessions")),
        sa.UniqueConstraint("call_id", name=op.f("uq_flow_sessions_call_id")),
    )
    with op.batch_alter_table("flow_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_sessions_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_flow_sessions_flow_created", ["flow_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("flow_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_flow_sessions_flow_created")
        batch_op.drop_index(batch_op.f("ix_flow_sessions_account_id"))
    op.drop_table("flow_sessions")
    with op.batch_alter_table("call_flow_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_flow_versions_account_id"))
    op.drop_table("call_flow_versions")
    with op.batch_alter_table("call_flows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_flows_account_id"))
    op.drop_table("call_flows")
