"""The transactional outbox: deliveries are rows written in the transaction of the change that caused them,
so a call change and its pixels, webhooks and postbacks commit together or not at all. A worker
(``callcenter.worker``) delivers them afterwards.

Rules:
- Retry schedule (DESIGN "Integrations"): the first attempt at once, then after 5 s, 5 min, 30 min, 2 h,
  5 h, 10 h and 10 h: eight attempts in about 28 hours. A delivery whose eighth attempt fails is
  ``failed`` (the dead letter) and stays so until someone replays it.
- A delivery with a ``dedupe_key`` is written at most once: a second one with the same key is silently
  not written (INSERT ... ON CONFLICT DO NOTHING, on both databases), so it never fails the call's
  transaction.
- When a transaction that wrote deliveries commits, the workers of this process are woken at once
  (instead of at their next poll), so a pixel fires within milliseconds of the call change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from callcenter.models.integrations import OutboxDelivery

RETRY_DELAYS = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS)


def next_attempt_at(attempts_made: int, failed_at: datetime) -> datetime | None:
    """When to try again after ``attempts_made`` failed attempts; None when the schedule is used up."""
    if attempts_made >= MAX_ATTEMPTS:
        return None
    return failed_at + RETRY_DELAYS[attempts_made]


_WRITTEN = "outbox_written"
_wakers: set[Callable[[], None]] = set()


def add_waker(wake: Callable[[], None]) -> None:
    """``wake`` is called whenever a transaction of this process that wrote deliveries commits."""
    _wakers.add(wake)


def remove_waker(wake: Callable[[], None]) -> None:
    _wakers.discard(wake)


@event.listens_for(Session, "after_commit")
def _outbox_committed(session: Session) -> None:
    if session.info.pop(_WRITTEN, False):
        for wake in tuple(_wakers):
            wake()


@event.listens_for(Session, "after_soft_rollback")
def _outbox_rolled_back(session: Session, _: Any) -> None:
    session.info.pop(_WRITTEN, None)


def enqueue(session: AsyncSession, delivery: OutboxDelivery) -> None:
    """Adds the delivery to the session: written with the rest of the transaction at its next flush."""
    session.add(delivery)
    session.info[_WRITTEN] = True


async def enqueue_once(session: AsyncSession, delivery: OutboxDelivery) -> bool:
    """Writes the delivery now unless one with the same ``dedupe_key`` exists; True when written."""
    assert delivery.dedupe_key is not None, "enqueue_once needs a dedupe key"
    columns = {
        attr.key: getattr(delivery, attr.key)
        for attr in inspect(OutboxDelivery).column_attrs
        if getattr(delivery, attr.key) is not None
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(OutboxDelivery).values(**columns).on_conflict_do_nothing(index_elements=["dedupe_key"])
    result = await session.execute(statement)
    written = bool(getattr(result, "rowcount", 0))
    if written:
        session.info[_WRITTEN] = True
    return written
