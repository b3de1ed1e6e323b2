"""merge: real-time bidding, DNI, call flows and integrations

Revision ID: 0005
Revises: 0004a, 0004b, 0004c, 0004d
Create Date: 2026-11-21

The four capabilities were built side by side on top of 0003; this revision joins their branches so the
history has one head again. It changes no schema.
"""

from collections.abc import Sequence

revision: str = "0005"
down_revision: str | Sequence[str] | None = ("0004a", "0004b", "0004c", "0004d")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
