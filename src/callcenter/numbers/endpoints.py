"""``/api/numbers`` and ``/api/pools`` (+ ``/api/pools/{id}/numbers``): tracking numbers and pools."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from callcenter.auth.dependencies import ConfigRead, ConfigWrite
from callcenter.kit.db import DbSession
from callcenter.kit.listing import SortOrder, sorting
from callcenter.kit.pagination import Page, Pagination
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.numbers import service
from callcenter.numbers.schemas import (
    NumberCreate,
    NumberFilters,
    NumberRead,
    NumberUpdate,
    PoolCreate,
    PoolFilters,
    PoolNumbersAdd,
    PoolRead,
    PoolUpdate,
)

router = APIRouter(prefix="/api", tags=["numbers"])

NumberSort = Annotated[
    SortOrder,
    Depends(sorting({"number": PhoneNumber.number, "created_at": PhoneNumber.created_at}, "number")),
]
PoolSort = Annotated[
    SortOrder, Depends(sorting({"name": NumberPool.name, "created_at": NumberPool.created_at}, "name"))
]


def _numbers(rows: list[PhoneNumber], total: int) -> Page[NumberRead]:
    return Page(items=[NumberRead.model_validate(r) for r in rows], total=total)


@router.get("/numbers", response_model=Page[NumberRead])
async def list_numbers(
    auth: ConfigRead,
    session: DbSession,
    page: Pagination,
    filters: Annotated[NumberFilters, Query()],
    order: NumberSort,
) -> Page[NumberRead]:
    return _numbers(*await service.list_numbers(session, auth, filters, page=page, order=order))


@router.post("/numbers", response_model=NumberRead, status_code=status.HTTP_201_CREATED)
async def create_number(data: NumberCreate, auth: ConfigWrite, session: DbSession) -> NumberRead:
    return NumberRead.model_validate(await service.create_number(session, auth, data))


@router.get("/numbers/{number_id}", response_model=NumberRead)
async def get_number(number_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> NumberRead:
    return NumberRead.model_validate(await service.get_number(session, auth, number_id))


@router.patch("/numbers/{number_id}", response_model=NumberRead)
async def update_number(
    number_id: uuid.UUID, data: NumberUpdate, auth: ConfigWrite, session: DbSession
) -> NumberRead:
    return NumberRead.model_validate(await service.update_number(session, auth, number_id, data))


@router.delete("/numbers/{number_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_number(number_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> Response:
    await service.delete_number(session, auth, number_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/pools", response_model=Page[PoolRead])
async def list_pools(
    auth: ConfigRead,
    session: DbSession,
    page: Pagination,
    filters: Annotated[PoolFilters, Query()],
    order: PoolSort,
) -> Page[PoolRead]:
    rows, total = await service.list_pools(session, auth, filters, page=page, order=order)
    return Page(items=[PoolRead.model_validate(r) for r in rows], total=total)


@router.post("/pools", response_model=PoolRead, status_code=status.HTTP_201_CREATED)
async def create_pool(data: PoolCreate, auth: ConfigWrite, session: DbSession) -> PoolRead:
    return PoolRead.model_validate(await service.create_pool(session, auth, data))


@router.get("/pools/{pool_id}", response_model=PoolRead)
async def get_pool(pool_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> PoolRead:
    return PoolRead.model_validate(await service.get_pool(session, auth, pool_id))


@router.patch("/pools/{pool_id}", response_model=PoolRead)
async def update_pool(
    pool_id: uuid.UUID, data: PoolUpdate, auth: ConfigWrite, session: DbSession
) -> PoolRead:
    return PoolRead.model_validate(await service.update_pool(session, auth, pool_id, data))


@router.delete("/pools/{pool_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_pool(pool_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> Response:
    """Deletes the pool; its numbers stay, unassigned."""
    await service.delete_pool(session, auth, pool_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/pools/{pool_id}/numbers", response_model=Page[NumberRead])
async def list_pool_numbers(
    pool_id: uuid.UUID, auth: ConfigRead, session: DbSession, page: Pagination
) -> Page[NumberRead]:
    return _numbers(*await service.list_pool_numbers(session, auth, pool_id, page=page))


@router.post("/pools/{pool_id}/numbers", response_model=Page[NumberRead])
async def add_pool_numbers(
    pool_id: uuid.UUID, data: PoolNumbersAdd, auth: ConfigWrite, session: DbSession
) -> Page[NumberRead]:
    """Adds numbers to the pool, all or nothing; answers with the numbers given, now in the pool.

    409 when any of them is in another pool or rings a campaign directly: nothing changes.
    """
    rows = await service.add_pool_numbers(session, auth, pool_id, data)
    return _numbers(rows, len(rows))


@router.delete("/pools/{pool_id}/numbers/{number_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_pool_number(
    pool_id: uuid.UUID, number_id: uuid.UUID, auth: ConfigWrite, session: DbSession
) -> Response:
    await service.remove_pool_number(session, auth, pool_id, number_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
