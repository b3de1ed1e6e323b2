"""Reports: what the dashboard shows and what the call log exports.

Business rules:
- A report covers the calls that *started* in ``[start, end)``. Without ``start`` the window is today in
  the report's time zone (midnight to midnight); without ``end`` it is one day from ``start``. ``end`` must
  be after ``start`` and a window spans at most 366 days (a 422 on ``end`` otherwise); hourly timelines
  span at most 31 days (a 422 on ``interval``), so a chart never has more than 744 bars.
- Answered = a destination picked up. Revenue, payout and profit (revenue - payout) are summed from the
  settled call records, so they count converted calls only and match the call log to the cent.
- Live calls are the account's calls in progress now: not finished and started within the last four
  hours (Twilio ends every call by then, so an older open record is a lost callback, not a call).
- A filter naming a campaign, buyer, target or publisher the caller cannot see is a 404, as reading that
  row would be; another account's calls never count in any figure.
- Timeline buckets are local hours or days in the report's time zone, every one present (zero when no
  call), so a chart has no holes; a DST day has 23 or 25 hourly buckets.
- The CSV export has the call log's filters and sort orders and at most 100,000 rows: a larger export is
  refused (400 ``export_too_large``) with the count, so a download is never silently cut short. Cells that
  a spreadsheet would run as a formula are prefixed with ``'`` (phone numbers and amounts are left as
  they are).
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.buyers.repository import BuyerRepository, TargetRepository
from callcenter.calls.repository import call_conditions
from callcenter.campaigns.repository import CampaignRepository
from callcenter.kit.errors import AppError, FieldError
from callcenter.kit.repository import TenantRepository
from callcenter.models.buyers import Target
from callcenter.models.campaigns import Campaign
from callcenter.publishers.repository import PublisherRepository
from callcenter.reports.repository import (
    EXPORT_FIELDS,
    HOUR_SECONDS,
    QUARTER_SECONDS,
    GroupRow,
    ReportRepository,
    TotalsRow,
)
from callcenter.reports.schemas import (
    ExportFilters,
    Interval,
    ReportFilters,
    SummaryRead,
    TimelineBucket,
    TimelineFilters,
    TimelineRead,
    TopRow,
)

MAX_WINDOW = timedelta(days=366)
MAX_HOURLY_WINDOW = timedelta(days=31)
LIVE_CALL_HORIZON = timedelta(hours=4)
TOP_ROWS = 5
MAX_EXPORT_ROWS = 100_000
ZERO = TotalsRow(0, 0, 0, 0, Decimal(0), Decimal(0))


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime
    zone: ZoneInfo


def resolve_window(filters: ReportFilters, *, now: datetime) -> Window:
    """The report's ``[start, end)`` (see the module rules for defaults and limits)."""
    zone = ZoneInfo(filters.timezone)
    if filters.start is not None:
        start = filters.start
    else:
        start = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    # One calendar day later in the zone, so a default window on a DST day is still that whole day.
    end = filters.end or _local_days_later(start, zone, 1)
    if end <= start:
        raise FieldError("end", "end must be after start")
    if end - start > MAX_WINDOW:
        raise FieldError("end", "a report covers at most 366 days")
    return Window(start.astimezone(UTC), end.astimezone(UTC), zone)


def _local_days_later(moment: datetime, zone: ZoneInfo, days: int) -> datetime:
    local = moment.astimezone(zone)
    return (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=zone).astimezone(UTC)


async def _check_references(
    session: AsyncSession, auth: AuthContext, filters: ReportFilters | ExportFilters
) -> None:
    references: Sequence[tuple[type[TenantRepository[Any]], uuid.UUID | None]] = (
        (CampaignRepository, filters.campaign_id),
        (BuyerRepository, filters.buyer_id),
        (TargetRepository, filters.target_id),
        (PublisherRepository, filters.publisher_id),
    )
    for repository, row_id in references:
        if row_id is not None:
            await repository(session).get(auth, row_id)


def _where(filters: ReportFilters, window: Window) -> list[ColumnElement[bool]]:
    return call_conditions(
        start=window.start,
        end=window.end,
        campaign_id=filters.campaign_id,
        buyer_id=filters.buyer_id,
        target_id=filters.target_id,
        publisher_id=filters.publisher_id,
    )


def _totals(row: TotalsRow) -> dict[str, Any]:
    return {
        "calls": row.calls,
        "answered": row.answered,
        "converted": row.converted,
        "duplicates": row.duplicates,
        "revenue": row.revenue,
        "payout": row.payout,
        "profit": row.revenue - row.payout,
    }


def _sum(rows: Iterable[TotalsRow]) -> TotalsRow:
    return functools.reduce(_add, rows, ZERO)


async def _top(
    repository: ReportRepository,
    auth: AuthContext,
    groups: list[GroupRow],
    model: type[Campaign | Target],
    key: Callable[[GroupRow], uuid.UUID | None],
) -> list[TopRow]:
    """The ``TOP_ROWS`` campaigns or targets with the most revenue (then calls, then name)."""
    by_key: dict[uuid.UUID, list[TotalsRow]] = defaultdict(list)
    for group in groups:
        row_id = key(group)
        if row_id is not None:
            by_key[row_id].append(group.totals)
    totals = {row_id: _sum(rows) for row_id, rows in by_key.items()}
    names = await repository.names(auth, model, totals.keys())
    ranked = sorted(totals, key=lambda i: (-totals[i].revenue, -totals[i].calls, names.get(i, "")))
    return [TopRow(id=i, name=names.get(i, ""), **_totals(totals[i])) for i in ranked[:TOP_ROWS]]


async def summary(
    session: AsyncSession, auth: AuthContext, filters: ReportFilters, *, now: datetime
) -> SummaryRead:
    window = resolve_window(filters, now=now)
    await _check_references(session, auth, filters)
    repository = ReportRepository(session)
    groups = await repository.groups(auth, _where(filters, window))
    return SummaryRead(
        start=window.start,
        end=window.end,
        timezone=filters.timezone,
        live_calls=await repository.open_calls(auth, since=now - LIVE_CALL_HORIZON),
        top_campaigns=await _top(repository, auth, groups, Campaign, lambda g: g.campaign_id),
        top_targets=await _top(repository, auth, groups, Target, lambda g: g.target_id),
        **_totals(_sum(group.totals for group in groups)),
    )


def bucket_starts(window: Window, interval: Interval) -> list[datetime]:
    """Local hour or day starts (as UTC instants) from the one holding ``window.start`` to ``window.end``.

    Hours step by real hours from the first local hour (so a DST day has 23 or 25 of them); days step by
    calendar date in the zone.
    """
    local = window.start.astimezone(window.zone)
    if interval is Interval.DAY:
        first = local.replace(hour=0, minute=0, second=0, microsecond=0)
        starts = [first.astimezone(UTC)]
        while (nxt := _local_days_later(first, window.zone, len(starts))) < window.end:
            starts.append(nxt)
        return starts
    first_utc = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    count = -(-(window.end - first_utc) // timedelta(hours=1))
    return [first_utc + timedelta(hours=i) for i in range(count)]


async def timeline(
    session: AsyncSession, auth: AuthContext, filters: TimelineFilters, *, now: datetime
) -> TimelineRead:
    window = resolve_window(filters, now=now)
    if filters.interval is Interval.HOUR and window.end - window.start > MAX_HOURLY_WINDOW:
        raise FieldError("interval", "hourly timelines cover at most 31 days; use interval=day")
    await _check_references(session, auth, filters)
    starts = bucket_starts(window, filters.interval)
    sums = [ZERO for _ in starts]
    epochs = [int(start.timestamp()) for start in starts]
    whole_hours = all(epoch % HOUR_SECONDS == 0 for epoch in epochs)
    seconds = HOUR_SECONDS if whole_hours else QUARTER_SECONDS
    repository = ReportRepository(session)
    for period, totals in await repository.periods(auth, _where(filters, window), seconds=seconds):
        # The last bucket starting at or before the period (buckets are sorted).
        index = bisect.bisect_right(epochs, period * seconds) - 1
        sums[index] = _add(sums[index], totals)
    return TimelineRead(
        start=window.start,
        end=window.end,
        timezone=filters.timezone,
        interval=filters.interval,
        buckets=[
            TimelineBucket(start=start.astimezone(window.zone), **_totals(total))
            for start, total in zip(starts, sums, strict=True)
        ],
    )


def _add(a: TotalsRow, b: TotalsRow) -> TotalsRow:
    return TotalsRow(
        a.calls + b.calls,
        a.answered + b.answered,
        a.converted + b.converted,
        a.duplicates + b.duplicates,
        a.revenue + b.revenue,
        a.payout + b.payout,
    )


EXPORT_COLUMNS = (
    *EXPORT_FIELDS[:8],
    "campaign",
    *EXPORT_FIELDS[8:14],
    "target",
    "buyer_id",
    "buyer",
    "publisher_id",
    "publisher",
    *EXPORT_FIELDS[16:22],
    "profit",
    *EXPORT_FIELDS[22:],
)
"""The export's header: the call's fields, each configuration id followed by its name, and profit."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _export_record(row: RowMapping) -> list[str]:
    return [_cell(row["revenue"] - row["payout"] if c == "profit" else row[c]) for c in EXPORT_COLUMNS]


async def export_calls(
    session: AsyncSession, auth: AuthContext, filters: ExportFilters, *, order_by: Sequence[Any]
) -> str:
    """The CSV (header first) of the calls the call log would list with the same filters and order."""
    if filters.started_from and filters.started_to and filters.started_to <= filters.started_from:
        raise FieldError("started_to", "started_to must be after started_from")
    await _check_references(session, auth, filters)
    where = call_conditions(
        start=filters.started_from,
        end=filters.started_to,
        campaign_id=filters.campaign_id,
        buyer_id=filters.buyer_id,
        target_id=filters.target_id,
        publisher_id=filters.publisher_id,
        statuses=filters.status,
        caller=filters.caller,
        converted=filters.converted,
        duplicate=filters.duplicate,
    )
    repository = ReportRepository(session)
    total = await repository.count(auth, where)
    if total > MAX_EXPORT_ROWS:
        raise AppError(
            f"{total} calls match; an export holds at most {MAX_EXPORT_ROWS}. Narrow the date range.",
            code="export_too_large",
            details={"total": total, "max_rows": MAX_EXPORT_ROWS},
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    async for batch in repository.export_rows(auth, where, order_by=order_by, limit=MAX_EXPORT_ROWS):
        writer.writerows(_export_record(row) for row in batch)
    return buffer.getvalue()
