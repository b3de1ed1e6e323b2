"""Query parameters and bodies of ``/api/reports`` and ``/api/calls/export.csv``."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from callcenter.kit.fields import Timezone
from callcenter.models.calls import CallStatus


def _four_places(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.0001"))


# Money as the call records store it (four decimal places), whether summed on SQLite or PostgreSQL.
StoredMoney = Annotated[Decimal, AfterValidator(_four_places)]


class Interval(StrEnum):
    HOUR = "hour"
    DAY = "day"


class ReportFilters(BaseModel):
    """Which calls a report covers: a time window (by start time) and optional configuration filters.

    ``start``/``end`` must carry a UTC offset (``2026-11-21T00:00:00-05:00``): a naive time would be
    read in an unknown zone.
    """

    start: AwareDatetime | None = Field(
        default=None, description="Inclusive; default: midnight today in `timezone`"
    )
    end: AwareDatetime | None = Field(default=None, description="Exclusive; default: start + 1 day")
    timezone: Timezone = Field(default="UTC", description="IANA zone of the default day and of the buckets")
    campaign_id: uuid.UUID | None = None
    buyer_id: uuid.UUID | None = None
    target_id: uuid.UUID | None = None
    publisher_id: uuid.UUID | None = None


class TimelineFilters(ReportFilters):
    interval: Interval = Field(default=Interval.HOUR, description="Bucket size, in `timezone`")


class Totals(BaseModel):
    """Answered = a destination picked up; revenue, payout and profit count converted calls only."""

    calls: int
    answered: int
    converted: int
    duplicates: int
    revenue: StoredMoney
    payout: StoredMoney
    profit: StoredMoney


class TopRow(Totals):
    id: uuid.UUID
    name: str


class SummaryRead(Totals):
    start: datetime
    end: datetime
    timezone: str
    live_calls: int = Field(description="Calls in progress now (not limited to the window)")
    top_campaigns: list[TopRow]
    top_targets: list[TopRow]


class TimelineBucket(Totals):
    start: datetime


class TimelineRead(BaseModel):
    start: datetime
    end: datetime
    timezone: str
    interval: Interval
    buckets: list[TimelineBucket]


class ExportFilters(BaseModel):
    """The call log's filters (``GET /api/calls``), applied to the export the same way."""

    campaign_id: uuid.UUID | None = None
    buyer_id: uuid.UUID | None = None
    target_id: uuid.UUID | None = None
    publisher_id: uuid.UUID | None = None
    status: list[CallStatus] | None = None
    caller: str | None = Field(default=None, max_length=64, pattern=r"^[^\x00]*$")
    started_from: AwareDatetime | None = None
    started_to: AwareDatetime | None = None
    converted: bool | None = None
    duplicate: bool | None = None
