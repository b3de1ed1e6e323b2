"""Turning a breach of a unique constraint into the error the API reports.

Services check uniqueness before writing, to answer politely; two requests can still race past that check
together, and the database's unique constraint settles the race. ``flush_unique`` recognises that
constraint's refusal on both databases and raises the service's own error instead of a 500.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.kit.errors import AppError


def _breaches_unique(exc: IntegrityError, *, table: str, columns: Sequence[str]) -> bool:
    """Whether ``exc`` is the refusal of the unique constraint on ``table(columns)``.

    PostgreSQL names the constraint, ``uq_<table>_<columns>`` by the naming convention of
    ``models.base``; SQLite names the columns instead ("UNIQUE constraint failed: table.a, table.b").
    """
    message = str(exc.orig)
    constraint = f'"uq_{table}_{"_".join(columns)}"'
    sqlite_columns = ", ".join(f"{table}.{column}" for column in columns)
    return constraint in message or message.endswith(f"UNIQUE constraint failed: {sqlite_columns}")


async def flush_unique(session: AsyncSession, *, table: str, columns: Sequence[str], error: AppError) -> None:
    """Flushes; a breach of the unique constraint on ``table(columns)`` raises ``error`` instead.

    Any other integrity error (a foreign key, a check constraint) propagates unchanged: it is a bug, not
    a clash. After a breach the transaction is spoilt, which is fine: the error rolls the whole request
    back.
    """
    try:
        await session.flush()
    except IntegrityError as exc:
        if _breaches_unique(exc, table=table, columns=columns):
            raise error from exc
        raise
