"""``/api/reports/summary``, ``/api/reports/timeline`` and ``/api/calls/export.csv``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from callcenter.auth.dependencies import CallsRead, ReportsRead
from callcenter.calls.endpoints import CallSorting
from callcenter.kit.db import DbSession
from callcenter.models.base import utcnow
from callcenter.reports import service
from callcenter.reports.schemas import (
    ExportFilters,
    ReportFilters,
    SummaryRead,
    TimelineFilters,
    TimelineRead,
)

router = APIRouter(prefix="/api", tags=["reports"])


@router.get("/reports/summary", response_model=SummaryRead)
async def report_summary(
    auth: ReportsRead, session: DbSession, filters: Annotated[ReportFilters, Query()]
) -> SummaryRead:
    """Totals of the calls that started in the window, live calls now, and the top campaigns and
    targets by revenue."""
    return await service.summary(session, auth, filters, now=utcnow())


@router.get("/reports/timeline", response_model=TimelineRead)
async def report_timeline(
    auth: ReportsRead, session: DbSession, filters: Annotated[TimelineFilters, Query()]
) -> TimelineRead:
    """The same totals per local hour or day of the window (calls per hour for the dashboard chart)."""
    return await service.timeline(session, auth, filters, now=utcnow())


@router.get(
    "/calls/export.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The calls as CSV, header first"}},
)
async def export_calls(
    auth: CallsRead, session: DbSession, filters: Annotated[ExportFilters, Query()], order: CallSorting
) -> Response:
    """The call log as CSV with the call log's filters and sort orders (at most 100,000 rows)."""
    body = await service.export_calls(session, auth, filters, order_by=order)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="calls.csv"'},
    )
