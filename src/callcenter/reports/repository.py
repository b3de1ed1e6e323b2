"""The SQL of reports: totals, top lists, quarter-hour groups and export rows, scoped to one account."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, ColumnElement, RowMapping, Select, case, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from callcenter.kit.repository import Tenant, TenantRepository
from callcenter.models.buyers import Buyer, Target
from callcenter.models.calls import FINAL_STATUSES, Call
from callcenter.models.campaigns import Campaign
from callcenter.models.publishers import Publisher

HOUR_SECONDS = 3600
QUARTER_SECONDS = 900
"""Timelines group calls by UTC hour in SQL, or by quarter hour in a zone whose offset is not a whole
number of hours (India, Nepal...): every UTC offset in use is a multiple of 15 minutes, so these periods
add up exactly into local hours and days, in any time zone, across DST changes."""


class EpochSeconds(FunctionElement[int]):
    """Seconds since 1970 of a timestamp column, as an integer, on SQLite and PostgreSQL."""

    type = BigInteger()
    inherit_cache = True


@compiles(EpochSeconds, "sqlite")
def _epoch_sqlite(element: EpochSeconds, compiler: Any, **kw: Any) -> str:
    # SQLite stores the timestamps as naive UTC text; strftime('%s') reads them as UTC.
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(EpochSeconds, "postgresql")
def _epoch_postgresql(element: EpochSeconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS BIGINT)"


EXPORT_BATCH = 1000
EXPORT_FIELDS = (
    "id",
    "call_sid",
    "started_at",
    "answered_at",
    "ended_at",
    "status",
    "disposition",
    "campaign_id",
    "caller",
    "called",
    "caller_state",
    "caller_zip",
    "caller_city",
    "target_id",
    "buyer_id",
    "publisher_id",
    "duration_seconds",
    "connected_seconds",
    "converted",
    "duplicate",
    "revenue",
    "payout",
    "winning_bid",
    "recording_url",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "gclid",
)
"""The call columns an export reads."""


class TotalsRow(NamedTuple):
    calls: int
    answered: int
    converted: int
    duplicates: int
    revenue: Decimal
    payout: Decimal


class GroupRow(NamedTuple):
    campaign_id: uuid.UUID | None
    target_id: uuid.UUID | None
    totals: TotalsRow


def _totals_columns() -> tuple[ColumnElement[Any], ...]:
    return (
        func.count(Call.id),
        func.count(Call.answered_at),
        func.coalesce(func.sum(case((Call.converted, 1), else_=0)), 0),
        func.coalesce(func.sum(case((Call.duplicate, 1), else_=0)), 0),
        func.coalesce(func.sum(Call.revenue), 0),
        func.coalesce(func.sum(Call.payout), 0),
    )


def _totals(values: Sequence[Any]) -> TotalsRow:
    calls, answered, converted, duplicates, revenue, payout = values
    return TotalsRow(int(calls), int(answered), int(converted), int(duplicates), revenue, payout)


class ReportRepository(TenantRepository[Call]):
    model = Call
    resource = "call"

    def _scoped(self, statement: Select[Any], tenant: Tenant, where: Sequence[ColumnElement[bool]]) -> Any:
        return statement.where(Call.account_id == tenant.account_id, *where)

    async def groups(self, tenant: Tenant, where: Sequence[ColumnElement[bool]]) -> list[GroupRow]:
        """Totals per (campaign, target) pair: one pass over the calls gives the summary's totals and both
        top lists (a pair count is bounded by the account's configuration, not by its calls)."""
        statement = self._scoped(
            select(Call.campaign_id, Call.target_id, *_totals_columns()), tenant, where
        ).group_by(Call.campaign_id, Call.target_id)
        rows = await self.session.execute(statement)
        return [GroupRow(row[0], row[1], _totals(row[2:])) for row in rows]

    async def names(
        self, tenant: Tenant, model: type[Campaign | Target], ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        statement = select(model.id, model.name).where(
            model.account_id == tenant.account_id, model.id.in_(ids)
        )
        return {row_id: name for row_id, name in await self.session.execute(statement)}

    async def periods(
        self, tenant: Tenant, where: Sequence[ColumnElement[bool]], *, seconds: int
    ) -> list[tuple[int, TotalsRow]]:
        """Totals per period of ``seconds`` (numbered from 1970, UTC) that has calls."""
        period = (EpochSeconds(Call.started_at) // seconds).label("period")
        statement = self._scoped(select(period, *_totals_columns()), tenant, where).group_by(
            literal_column("period")
        )
        rows = await self.session.execute(statement)
        return [(int(row[0]), _totals(row[1:])) for row in rows]

    async def open_calls(self, tenant: Tenant, *, since: datetime) -> int:
        """Calls not yet finished that started after ``since`` (older ones are stuck records, not calls)."""
        statement = select(func.count(Call.id)).where(
            Call.account_id == tenant.account_id,
            Call.status.not_in(FINAL_STATUSES),
            Call.ended_at.is_(None),
            Call.started_at >= since,
        )
        return int(await self.session.scalar(statement) or 0)

    async def count(self, tenant: Tenant, where: Sequence[ColumnElement[bool]]) -> int:
        statement = self._scoped(select(func.count(Call.id)), tenant, where)
        return int(await self.session.scalar(statement) or 0)

    async def export_rows(
        self, tenant: Tenant, where: Sequence[ColumnElement[bool]], *, order_by: Sequence[Any], limit: int
    ) -> AsyncIterator[Sequence[RowMapping]]:
        """Batches of call rows (``EXPORT_FIELDS`` plus the campaign, target, buyer and publisher names as
        they are now), streamed from the database so a large export never holds every row at once."""
        columns = [getattr(Call, name) for name in EXPORT_FIELDS]
        statement = (
            self._scoped(
                select(
                    *columns,
                    Campaign.name.label("campaign"),
                    Target.name.label("target"),
                    Buyer.name.label("buyer"),
                    Publisher.name.label("publisher"),
                ),
                tenant,
                where,
            )
            .outerjoin(Campaign, Campaign.id == Call.campaign_id)
            .outerjoin(Target, Target.id == Call.target_id)
            .outerjoin(Buyer, Buyer.id == Call.buyer_id)
            .outerjoin(Publisher, Publisher.id == Call.publisher_id)
            .order_by(*order_by, Call.id)
            .limit(limit)
        )
        result = await self.session.stream(statement.execution_options(yield_per=EXPORT_BATCH))
        async for batch in result.mappings().partitions():
            yield batch
