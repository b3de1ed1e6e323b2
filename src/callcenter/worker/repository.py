"""SQL of the outbox worker: claiming due deliveries and recording what came of them.

Claiming is safe with several workers on PostgreSQL: the due rows are selected ``FOR UPDATE SKIP
LOCKED`` (a row another worker is claiming is skipped, not waited for) and pushed out of the due set by
a lease (``next_attempt_at`` moves to the end of the attempt's timeout plus a margin) in the same short
transaction. A worker that dies mid-attempt leaves its rows to come due again when the lease ends: they
are delivered again (at least once; receivers deduplicate by ``webhook-id``). SQLite has one writer at a
time (every transaction is BEGIN IMMEDIATE), which serialises claims the same way.

Each claim carries a token; a result is recorded only while the claim still holds, so a worker that
comes back after its lease ended cannot overwrite what another worker recorded since.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.integrations.outbox import next_attempt_at
from callcenter.models.integrations import (
    DeliveryAttempt,
    DeliveryStatus,
    HttpMethod,
    Integration,
    IntegrationKind,
    OutboxDelivery,
)


@dataclass(frozen=True, slots=True)
class Claim:
    """One delivery a worker is attempting now."""

    id: uuid.UUID
    account_id: uuid.UUID
    attempt: int
    token: uuid.UUID
    kind: IntegrationKind
    method: HttpMethod
    url: str
    headers: dict[str, str]
    body: str | None
    timeout_ms: int
    secret: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    success: bool
    started_at: datetime
    latency_ms: float
    status_code: int | None = None
    error: str | None = None
    response_body: str | None = None


_deliveries = cast(Table, OutboxDelivery.__table__)
_integrations = cast(Table, Integration.__table__)


async def claim_due(
    session: AsyncSession, *, now: datetime, limit: int, lease_margin: timedelta
) -> list[Claim]:
    """Up to ``limit`` due deliveries, claimed: one SELECT (with each webhook's secret) and one UPDATE."""
    d = _deliveries.c
    due = (
        select(d.id, d.account_id, d.attempts, d.kind, d.method, d.url, d.headers, d.body, d.timeout_ms)
        .add_columns(_integrations.c.secret)
        .select_from(_deliveries.outerjoin(_integrations, _integrations.c.id == d.integration_id))
        .where(d.status == DeliveryStatus.PENDING, d.next_attempt_at <= now)
        .order_by(d.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=_deliveries)
    )
    rows = (await session.execute(due)).all()
    if not rows:
        return []
    claims = [
        Claim(
            id=row.id,
            account_id=row.account_id,
            attempt=row.attempts + 1,
            token=uuid.uuid4(),
            kind=row.kind,
            method=row.method,
            url=row.url,
            headers=dict(row.headers or {}),
            body=row.body,
            timeout_ms=row.timeout_ms,
            secret=row.secret,
        )
        for row in rows
    ]
    lease = (
        update(_deliveries)
        .where(d.id == bindparam("b_id"))
        .values(
            attempts=bindparam("b_attempt"),
            claim_token=bindparam("b_token"),
            next_attempt_at=bindparam("b_until"),
        )
    )
    await session.execute(
        lease,
        [
            {
                "b_id": claim.id,
                "b_attempt": claim.attempt,
                "b_token": claim.token,
                "b_until": now + timedelta(milliseconds=claim.timeout_ms) + lease_margin,
            }
            for claim in claims
        ],
    )
    return claims


async def record(session: AsyncSession, results: Sequence[tuple[Claim, Outcome]], *, now: datetime) -> None:
    """Logs the attempts and settles their deliveries: delivered, due again per the schedule, or failed.

    One INSERT and one UPDATE for the whole batch (executemany). A delivery whose claim no longer holds
    (its lease ended and another worker took it) is left as that worker records it; its attempt is
    logged all the same.
    """
    if not results:
        return
    # A delivery deleted meanwhile (its integration was deleted) has nothing left to record. The rows
    # still there are locked, so such a deletion cannot slip in before the attempts are written.
    existing = set(
        await session.scalars(
            select(_deliveries.c.id).where(_deliveries.c.id.in_([c.id for c, _ in results])).with_for_update()
        )
    )
    results = [(claim, outcome) for claim, outcome in results if claim.id in existing]
    if not results:
        return
    session.add_all(
        DeliveryAttempt(
            account_id=claim.account_id,
            delivery_id=claim.id,
            attempt=claim.attempt,
            started_at=outcome.started_at,
            latency_ms=round(outcome.latency_ms, 3),
            success=outcome.success,
            status_code=outcome.status_code,
            error=outcome.error,
            response_body=outcome.response_body,
        )
        for claim, outcome in results
    )
    await session.flush()
    rows = []
    for claim, outcome in results:
        retry_at = None if outcome.success else next_attempt_at(claim.attempt, now)
        if outcome.success:
            status = DeliveryStatus.DELIVERED
        else:
            status = DeliveryStatus.PENDING if retry_at else DeliveryStatus.FAILED
        rows.append(
            {
                "b_id": claim.id,
                "b_token": claim.token,
                "b_status": status,
                "b_next": retry_at or now,
                "b_delivered": now if outcome.success else None,
                "b_code": outcome.status_code,
                "b_error": outcome.error,
            }
        )
    statement = (
        update(_deliveries)
        .where(_deliveries.c.id == bindparam("b_id"), _deliveries.c.claim_token == bindparam("b_token"))
        .values(
            status=bindparam("b_status"),
            next_attempt_at=bindparam("b_next"),
            delivered_at=bindparam("b_delivered"),
            last_status_code=bindparam("b_code"),
            last_error=bindparam("b_error"),
            claim_token=None,
        )
    )
    await session.execute(statement, rows)
