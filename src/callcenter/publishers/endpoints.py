"""``/api/publishers`` and ``/api/publishers/{id}/payouts``: publishers and their payout overrides."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from callcenter.auth.dependencies import ConfigRead, ConfigWrite
from callcenter.kit.db import DbSession
from callcenter.kit.listing import SortOrder, sorting
from callcenter.kit.pagination import Page, Pagination
from callcenter.models.publishers import Publisher
from callcenter.publishers import service
from callcenter.publishers.schemas import (
    PayoutRead,
    PayoutSet,
    PublisherCreate,
    PublisherFilters,
    PublisherRead,
    PublisherUpdate,
)

router = APIRouter(prefix="/api", tags=["publishers"])

PublisherSort = Annotated[
    SortOrder, Depends(sorting({"name": Publisher.name, "created_at": Publisher.created_at}, "name"))
]


@router.get("/publishers", response_model=Page[PublisherRead])
async def list_publishers(
    auth: ConfigRead,
    session: DbSession,
    page: Pagination,
    filters: Annotated[PublisherFilters, Query()],
    order: PublisherSort,
) -> Page[PublisherRead]:
    rows, total = await service.list_publishers(session, auth, filters, page=page, order=order)
    return Page(items=[PublisherRead.model_validate(r) for r in rows], total=total)


@router.post("/publishers", response_model=PublisherRead, status_code=status.HTTP_201_CREATED)
async def create_publisher(data: PublisherCreate, auth: ConfigWrite, session: DbSession) -> PublisherRead:
    return PublisherRead.model_validate(await service.create_publisher(session, auth, data))


@router.get("/publishers/{publisher_id}", response_model=PublisherRead)
async def get_publisher(publisher_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> PublisherRead:
    return PublisherRead.model_validate(await service.get_publisher(session, auth, publisher_id))


@router.patch("/publishers/{publisher_id}", response_model=PublisherRead)
async def update_publisher(
    publisher_id: uuid.UUID, data: PublisherUpdate, auth: ConfigWrite, session: DbSession
) -> PublisherRead:
    return PublisherRead.model_validate(await service.update_publisher(session, auth, publisher_id, data))


@router.delete("/publishers/{publisher_id}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_publisher(publisher_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> Response:
    """Archives the publisher (calls keep pointing at it); it no longer appears in default lists."""
    await service.archive_publisher(session, auth, publisher_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/publishers/{publisher_id}/payouts", response_model=Page[PayoutRead])
async def list_payouts(
    publisher_id: uuid.UUID, auth: ConfigRead, session: DbSession, page: Pagination
) -> Page[PayoutRead]:
    rows, total = await service.list_payouts(session, auth, publisher_id, page=page)
    return Page(items=[PayoutRead.model_validate(r) for r in rows], total=total)


@router.put("/publishers/{publisher_id}/payouts/{campaign_id}", response_model=PayoutRead)
async def set_payout(
    publisher_id: uuid.UUID, campaign_id: uuid.UUID, data: PayoutSet, auth: ConfigWrite, session: DbSession
) -> PayoutRead:
    return PayoutRead.model_validate(await service.set_payout(session, auth, publisher_id, campaign_id, data))


@router.delete("/publishers/{publisher_id}/payouts/{campaign_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_payout(
    publisher_id: uuid.UUID, campaign_id: uuid.UUID, auth: ConfigWrite, session: DbSession
) -> Response:
    await service.delete_payout(session, auth, publisher_id, campaign_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
