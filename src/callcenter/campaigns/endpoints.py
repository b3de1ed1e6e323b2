"""``/api/campaigns``: campaigns, their lifecycle, clones, target assignments and readiness."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from callcenter.auth.dependencies import ConfigRead, ConfigWrite
from callcenter.campaigns import service
from callcenter.campaigns.repository import parse_campaign_sort
from callcenter.campaigns.schemas import (
    CampaignClone,
    CampaignCreate,
    CampaignFilters,
    CampaignRead,
    CampaignTargetCreate,
    CampaignTargetRead,
    CampaignTargetUpdate,
    CampaignUpdate,
    ReadinessRead,
)
from callcenter.kit.db import DbSession
from callcenter.kit.listing import SortOrder
from callcenter.kit.pagination import Page, Pagination
from callcenter.models.base import utcnow

router = APIRouter(prefix="/api", tags=["campaigns"])

CAMPAIGN = "/campaigns/{campaign_id}"
ASSIGNMENT = CAMPAIGN + "/targets/{target_id}"


@router.get("/campaigns", response_model=Page[CampaignRead])
async def list_campaigns(
    auth: ConfigRead,
    session: DbSession,
    filters: Annotated[CampaignFilters, Query()],
    page: Pagination,
    order: Annotated[SortOrder, Depends(parse_campaign_sort)],
) -> Page[CampaignRead]:
    rows, total = await service.list_campaigns(session, auth, filters, page, order)
    return Page(items=[CampaignRead.model_validate(r) for r in rows], total=total)


@router.post("/campaigns", response_model=CampaignRead, status_code=status.HTTP_201_CREATED)
async def create_campaign(data: CampaignCreate, auth: ConfigWrite, session: DbSession) -> CampaignRead:
    return CampaignRead.model_validate(await service.create_campaign(session, auth, data))


@router.get(CAMPAIGN, response_model=CampaignRead)
async def get_campaign(campaign_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> CampaignRead:
    return CampaignRead.model_validate(await service.get_campaign(session, auth, campaign_id))


@router.patch(CAMPAIGN, response_model=CampaignRead)
async def update_campaign(
    campaign_id: uuid.UUID, data: CampaignUpdate, auth: ConfigWrite, session: DbSession
) -> CampaignRead:
    return CampaignRead.model_validate(await service.update_campaign(session, auth, campaign_id, data))


@router.delete(CAMPAIGN, response_model=CampaignRead)
async def archive_campaign(campaign_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> CampaignRead:
    """Archives the campaign (the row stays, so its calls keep their campaign) and returns it."""
    return CampaignRead.model_validate(await service.archive_campaign(session, auth, campaign_id))


@router.post(CAMPAIGN + "/clone", response_model=CampaignRead, status_code=status.HTTP_201_CREATED)
async def clone_campaign(
    campaign_id: uuid.UUID, auth: ConfigWrite, session: DbSession, data: CampaignClone | None = None
) -> CampaignRead:
    clone = await service.clone_campaign(session, auth, campaign_id, data or CampaignClone())
    return CampaignRead.model_validate(clone)


@router.get(CAMPAIGN + "/readiness", response_model=ReadinessRead)
async def campaign_readiness(campaign_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> ReadinessRead:
    result = await service.readiness(session, auth, campaign_id, now=utcnow())
    return ReadinessRead.model_validate(result)


@router.get(CAMPAIGN + "/targets", response_model=Page[CampaignTargetRead])
async def list_assignments(
    campaign_id: uuid.UUID, auth: ConfigRead, session: DbSession, page: Pagination
) -> Page[CampaignTargetRead]:
    rows, total = await service.list_assignments(session, auth, campaign_id, page)
    return Page(items=[CampaignTargetRead.of(r) for r in rows], total=total)


@router.post(CAMPAIGN + "/targets", response_model=CampaignTargetRead, status_code=status.HTTP_201_CREATED)
async def assign_target(
    campaign_id: uuid.UUID, data: CampaignTargetCreate, auth: ConfigWrite, session: DbSession
) -> CampaignTargetRead:
    return CampaignTargetRead.of(await service.assign_target(session, auth, campaign_id, data))


@router.get(ASSIGNMENT, response_model=CampaignTargetRead)
async def get_assignment(
    campaign_id: uuid.UUID, target_id: uuid.UUID, auth: ConfigRead, session: DbSession
) -> CampaignTargetRead:
    return CampaignTargetRead.of(await service.get_assignment(session, auth, campaign_id, target_id))


@router.patch(ASSIGNMENT, response_model=CampaignTargetRead)
async def update_assignment(
    campaign_id: uuid.UUID,
    target_id: uuid.UUID,
    data: CampaignTargetUpdate,
    auth: ConfigWrite,
    session: DbSession,
) -> CampaignTargetRead:
    assignment = await service.update_assignment(session, auth, campaign_id, target_id, data)
    return CampaignTargetRead.of(assignment)


@router.delete(ASSIGNMENT, status_code=status.HTTP_204_NO_CONTENT)
async def unassign_target(
    campaign_id: uuid.UUID, target_id: uuid.UUID, auth: ConfigWrite, session: DbSession
) -> Response:
    await service.unassign_target(session, auth, campaign_id, target_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
