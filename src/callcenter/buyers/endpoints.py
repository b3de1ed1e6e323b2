"""``/api/buyers`` and ``/api/targets``: who receives calls and where they ring.

DELETE archives instead of removing (see ``service``); archived rows are listed with ``status=archived``.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from callcenter.auth.dependencies import ConfigRead, ConfigWrite
from callcenter.buyers import service
from callcenter.buyers.repository import BUYER_SORTS, TARGET_SORTS
from callcenter.buyers.schemas import (
    BuyerCreate,
    BuyerRead,
    BuyerUpdate,
    TargetCreate,
    TargetRead,
    TargetUpdate,
)
from callcenter.kit.db import DbSession
from callcenter.kit.listing import SortOrder, sorting
from callcenter.kit.pagination import Page, Pagination
from callcenter.models.buyers import PartyStatus

router = APIRouter(prefix="/api", tags=["buyers"])

StatusFilter = Annotated[
    PartyStatus | None, Query(description="Only this status; by default every status but archived")
]
# No NUL: PostgreSQL refuses it in a LIKE pattern, which would otherwise be a 500.
NO_NUL = r"^[^\x00]*$"
BuyerSearch = Annotated[
    str | None, Query(max_length=200, pattern=NO_NUL, description="Name or company contains, any case")
]
TargetSearch = Annotated[
    str | None, Query(max_length=200, pattern=NO_NUL, description="Name or destination contains, any case")
]


BuyerSort = Annotated[SortOrder, Depends(sorting(BUYER_SORTS, "name"))]
TargetSort = Annotated[SortOrder, Depends(sorting(TARGET_SORTS, "name"))]


@router.get("/buyers", response_model=Page[BuyerRead])
async def list_buyers(
    auth: ConfigRead,
    session: DbSession,
    page: Pagination,
    order_by: BuyerSort,
    status: StatusFilter = None,
    q: BuyerSearch = None,
) -> Page[BuyerRead]:
    rows, total = await service.list_buyers(session, auth, page, status=status, q=q, order_by=order_by)
    return Page(items=[BuyerRead.model_validate(r) for r in rows], total=total)


@router.post("/buyers", response_model=BuyerRead, status_code=status.HTTP_201_CREATED)
async def create_buyer(data: BuyerCreate, auth: ConfigWrite, session: DbSession) -> BuyerRead:
    return BuyerRead.model_validate(await service.create_buyer(session, auth, data))


@router.get("/buyers/{buyer_id}", response_model=BuyerRead)
async def get_buyer(buyer_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> BuyerRead:
    return BuyerRead.model_validate(await service.get_buyer(session, auth, buyer_id))


@router.patch("/buyers/{buyer_id}", response_model=BuyerRead)
async def update_buyer(
    buyer_id: uuid.UUID, data: BuyerUpdate, auth: ConfigWrite, session: DbSession
) -> BuyerRead:
    return BuyerRead.model_validate(await service.update_buyer(session, auth, buyer_id, data))


@router.delete("/buyers/{buyer_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_buyer(buyer_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> Response:
    await service.delete_buyer(session, auth, buyer_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/buyers/{buyer_id}/targets", response_model=Page[TargetRead])
async def list_buyer_targets(
    buyer_id: uuid.UUID,
    auth: ConfigRead,
    session: DbSession,
    page: Pagination,
    order_by: TargetSort,
    status: StatusFilter = None,
    q: TargetSearch = None,
) -> Page[TargetRead]:
    rows, total = await service.list_buyer_targets(
        session, auth, buyer_id, page, status=status, q=q, order_by=order_by
    )
    return Page(items=[TargetRead.model_validate(r) for r in rows], total=total)


@router.get("/targets", response_model=Page[TargetRead])
async def list_targets(
    auth: ConfigRead,
    session: DbSession,
    page: Pagination,
    order_by: TargetSort,
    buyer_id: uuid.UUID | None = None,
    status: StatusFilter = None,
    q: TargetSearch = None,
) -> Page[TargetRead]:
    rows, total = await service.list_targets(
        session, auth, page, buyer_id=buyer_id, status=status, q=q, order_by=order_by
    )
    return Page(items=[TargetRead.model_validate(r) for r in rows], total=total)


@router.post("/targets", response_model=TargetRead, status_code=status.HTTP_201_CREATED)
async def create_target(data: TargetCreate, auth: ConfigWrite, session: DbSession) -> TargetRead:
    return TargetRead.model_validate(await service.create_target(session, auth, data))


@router.get("/targets/{target_id}", response_model=TargetRead)
async def get_target(target_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> TargetRead:
    return TargetRead.model_validate(await service.get_target(session, auth, target_id))


@router.patch("/targets/{target_id}", response_model=TargetRead)
async def update_target(
    target_id: uuid.UUID, data: TargetUpdate, auth: ConfigWrite, session: DbSession
) -> TargetRead:
    return TargetRead.model_validate(await service.update_target(session, auth, target_id, data))


@router.delete("/targets/{target_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_target(target_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> Response:
    await service.delete_target(session, auth, target_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
