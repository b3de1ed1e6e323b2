"""Column helpers shared by the configuration tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON
from sqlalchemy.dialects.postgresql import JSONB

# JSON documents (schedules, state lists, sub ids): JSONB on PostgreSQL, JSON text on SQLite.
JsonDocument: Any = JSON().with_variant(JSONB(), "postgresql")
