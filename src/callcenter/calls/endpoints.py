"""``/api/calls``: the call log and one call with its journey."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from callcenter.auth.dependencies import CallsRead
from callcenter.calls.repository import CallRepository, call_conditions
from callcenter.calls.schemas import AttemptRead, CallDetail, CallRead, JourneyEvent
from callcenter.kit.db import DbSession
from callcenter.kit.listing import SortOrder, sorting
from callcenter.kit.pagination import Page, Pagination
from callcenter.models.calls import Call, CallStatus

router = APIRouter(prefix="/api/calls", tags=["calls"])

CallSorting = Annotated[
    SortOrder,
    Depends(
        sorting(
            {
                "started_at": Call.started_at,
                "duration_seconds": Call.duration_seconds,
                "revenue": Call.revenue,
                "status": Call.status,
            },
            "-started_at",
        )
    ),
]


@router.get("", response_model=Page[CallRead])
async def list_calls(
    auth: CallsRead,
    session: DbSession,
    page: Pagination,
    order: CallSorting,
    campaign_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    target_id: uuid.UUID | None = None,
    publisher_id: uuid.UUID | None = None,
    status: Annotated[list[CallStatus] | None, Query()] = None,
    caller: str | None = None,
    started_from: AwareDatetime | None = None,
    started_to: AwareDatetime | None = None,
    converted: bool | None = None,
    duplicate: bool | None = None,
) -> Page[CallRead]:
    """Calls of the account, newest first; every filter is optional and they combine with AND."""
    where = call_conditions(
        start=started_from,
        end=started_to,
        campaign_id=campaign_id,
        buyer_id=buyer_id,
        target_id=target_id,
        publisher_id=publisher_id,
        statuses=status,
        caller=caller,
        converted=converted,
        duplicate=duplicate,
    )
    rows, total = await CallRepository(session).list(auth, page, where=where, order_by=order)
    return Page(items=[CallRead.model_validate(row) for row in rows], total=total)


@router.get("/{call_id}", response_model=CallDetail)
async def get_call(call_id: uuid.UUID, auth: CallsRead, session: DbSession) -> CallDetail:
    """One call with its journey (ordered events) and dial attempts."""
    repository = CallRepository(session)
    call = await repository.get(auth, call_id)
    return CallDetail.model_validate(
        {
            **CallRead.model_validate(call).model_dump(),
            "journey": [JourneyEvent.model_validate(e) for e in await repository.events(call.id)],
            "attempts": [AttemptRead.model_validate(a) for a in await repository.attempts(call.id)],
        }
    )
