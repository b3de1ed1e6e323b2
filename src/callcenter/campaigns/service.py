"""Campaigns: creating, changing, archiving and cloning them, assigning targets, checking readiness.

Business rules:
- A campaign's name (1-200 characters, trimmed) is unique within the account, archived campaigns
  included, because an archived campaign can be restored. A clash is a 422 on ``name``.
- ``flow_id`` must name a call flow of the account that has a published version; another account's
  flow, a missing one or an unpublished one is a 422 on ``flow_id`` (flows/service.py).
- Status lifecycle (changed with PATCH ``{"status": ...}``)::

      draft  -> active | archived
      active -> paused | archived
      paused -> active | archived
      archived -> paused            (restore: paused, so that it takes no call before someone looks)

  Any other change is a 409 naming both statuses. Setting the status a campaign already has changes
  nothing. A new campaign starts as draft or active.
- Deleting a campaign archives it instead of removing the row, so call records, reports and exports
  never point at a campaign that vanished; deleting an archived campaign changes nothing. Lists leave
  archived campaigns out unless ``status=archived`` is asked for.
- Cloning copies every setting and every target assignment (with its overrides) into a new draft
  campaign named "<name> (copy)", "<name> (copy 2)"... unless a name is given. Numbers and pools stay
  with the original: a number leads to exactly one campaign.
- A target is assigned to a campaign once (a second time is a 409), with optional priority (1-10) and
  weight (1-100) overrides; null means the target's own value. The target must be one of the account's;
  another account's target and a missing one get the very same 422 on ``target_id`` so that nothing
  about other accounts leaks. An archived target cannot be assigned; a paused one can (routing skips it
  until it is active again).
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.campaigns.readiness import Readiness, assess
from callcenter.campaigns.repository import Assignment, CampaignRepository, CampaignTargetRepository
from callcenter.campaigns.schemas import (
    MAX_NAME_LENGTH,
    CampaignClone,
    CampaignCreate,
    CampaignFilters,
    CampaignTargetCreate,
    CampaignTargetUpdate,
    CampaignUpdate,
)
from callcenter.flows.service import check_campaign_flow
from callcenter.kit.errors import Conflict, FieldError, NotFound
from callcenter.kit.listing import SortOrder
from callcenter.kit.pagination import PageParams
from callcenter.kit.unique import flush_unique
from callcenter.models.buyers import CampaignTarget, PartyStatus
from callcenter.models.campaigns import Campaign, CampaignStatus

Status = CampaignStatus
TRANSITIONS: dict[CampaignStatus, frozenset[CampaignStatus]] = {
    Status.DRAFT: frozenset({Status.ACTIVE, Status.ARCHIVED}),
    Status.ACTIVE: frozenset({Status.PAUSED, Status.ARCHIVED}),
    Status.PAUSED: frozenset({Status.ACTIVE, Status.ARCHIVED}),
    Status.ARCHIVED: frozenset({Status.PAUSED}),
}
LISTED_BY_DEFAULT = frozenset(CampaignStatus) - {CampaignStatus.ARCHIVED}

NAME_TAKEN = "a campaign with this name already exists"
TARGET_NOT_FOUND = "target not found"

# Settings a clone copies: every column except identity, ownership, lifecycle and bookkeeping.
_NOT_CLONED = frozenset({"id", "account_id", "name", "status", "created_at", "updated_at"})
_CLONED = tuple(column.key for column in Campaign.__table__.columns if column.key not in _NOT_CLONED)


def _check_transition(current: CampaignStatus, new: CampaignStatus) -> None:
    if new != current and new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current]))
        raise Conflict(
            f"A campaign cannot go from {current} to {new} (from {current}: {allowed})",
            details={"from": current, "to": new, "allowed": sorted(TRANSITIONS[current])},
        )


async def _flush_named(session: AsyncSession) -> None:
    """Flushes a new or renamed campaign. The unique constraint on the account's names is the only check:
    it refuses a name in use (archived campaigns included) and settles two requests racing for one."""
    await flush_unique(
        session, table="campaigns", columns=("account_id", "name"), error=FieldError("name", NAME_TAKEN)
    )


async def list_campaigns(
    session: AsyncSession, auth: AuthContext, filters: CampaignFilters, page: PageParams, order: SortOrder
) -> tuple[list[Campaign], int]:
    statuses = {filters.status} if filters.status is not None else LISTED_BY_DEFAULT
    return await CampaignRepository(session).search(
        auth,
        page,
        statuses=statuses,
        name_contains=(filters.q or "").strip() or None,
        routing_strategy=filters.routing_strategy,
        rtb_enabled=filters.rtb_enabled,
        order_by=order,
    )


async def get_campaign(session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID) -> Campaign:
    return await CampaignRepository(session).get(auth, campaign_id)


async def create_campaign(session: AsyncSession, auth: AuthContext, data: CampaignCreate) -> Campaign:
    await check_campaign_flow(session, auth, data.flow_id)
    campaign = Campaign(account_id=auth.account_id, **data.model_dump())
    session.add(campaign)
    await _flush_named(session)
    return campaign


async def update_campaign(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, data: CampaignUpdate
) -> Campaign:
    repository = CampaignRepository(session)
    campaign = await repository.get(auth, campaign_id, for_update=True)
    changes = data.model_dump(exclude_unset=True)
    if "flow_id" in changes:
        await check_campaign_flow(session, auth, changes["flow_id"])
    if "status" in changes:
        _check_transition(campaign.status, changes["status"])
    for field, value in changes.items():
        setattr(campaign, field, value)
    await _flush_named(session)
    return campaign


async def archive_campaign(session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID) -> Campaign:
    repository = CampaignRepository(session)
    campaign = await repository.get(auth, campaign_id, for_update=True)
    campaign.status = CampaignStatus.ARCHIVED
    await session.flush()
    return campaign


async def _copy_name(repository: CampaignRepository, auth: AuthContext, name: str) -> str:
    """ "<name> (copy)", then "(copy 2)", "(copy 3)"...: the first one free, cut to fit 200 characters."""
    number = 1
    while True:
        suffix = " (copy)" if number == 1 else f" (copy {number})"
        candidate = name[: MAX_NAME_LENGTH - len(suffix)].rstrip() + suffix
        if not await repository.name_taken(auth, candidate):
            return candidate
        number += 1


async def clone_campaign(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, data: CampaignClone
) -> Campaign:
    repository = CampaignRepository(session)
    original = await repository.get(auth, campaign_id)
    name = data.name or await _copy_name(repository, auth, original.name)
    settings = {key: copy.deepcopy(getattr(original, key)) for key in _CLONED}
    clone = Campaign(account_id=auth.account_id, name=name, status=CampaignStatus.DRAFT, **settings)
    session.add(clone)
    await _flush_named(session)
    links = CampaignTargetRepository(session)
    for link in await links.links(auth, original.id):
        session.add(
            CampaignTarget(
                account_id=auth.account_id,
                campaign_id=clone.id,
                target_id=link.target_id,
                priority=link.priority,
                weight=link.weight,
            )
        )
    await session.flush()
    return clone


async def readiness(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, *, now: dt.datetime
) -> Readiness:
    """The campaign's readiness at the aware instant ``now`` (see ``readiness.py`` for the checks)."""
    campaigns = CampaignRepository(session)
    campaign = await campaigns.get(auth, campaign_id)
    return assess(
        campaign,
        has_number=await campaigns.has_number(auth, campaign.id),
        assigned=await CampaignTargetRepository(session).targets_with_buyers(auth, campaign.id),
        now=now,
    )


async def list_assignments(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, page: PageParams
) -> tuple[list[Assignment], int]:
    campaign = await CampaignRepository(session).get(auth, campaign_id)
    return await CampaignTargetRepository(session).page(auth, campaign.id, page)


async def assign_target(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, data: CampaignTargetCreate
) -> Assignment:
    campaign = await CampaignRepository(session).get(auth, campaign_id)
    repository = CampaignTargetRepository(session)
    target = await repository.find_target(auth, data.target_id)
    if target is None:
        raise FieldError("target_id", TARGET_NOT_FOUND)
    if target.status == PartyStatus.ARCHIVED:
        raise FieldError("target_id", "an archived target cannot be assigned")
    link = CampaignTarget(
        account_id=auth.account_id,
        campaign_id=campaign.id,
        target_id=target.id,
        priority=data.priority,
        weight=data.weight,
    )
    session.add(link)
    # The unique constraint alone tells that the target is assigned already, so two requests racing to
    # assign it cannot both succeed.
    await flush_unique(
        session,
        table="campaign_targets",
        columns=("campaign_id", "target_id"),
        error=Conflict("This target is already assigned to the campaign"),
    )
    return Assignment(link, target)


async def get_assignment(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, target_id: uuid.UUID
) -> Assignment:
    campaign = await CampaignRepository(session).get(auth, campaign_id)
    assignment = await CampaignTargetRepository(session).find_assignment(auth, campaign.id, target_id)
    if assignment is None:
        raise NotFound("assignment")
    return assignment


async def update_assignment(
    session: AsyncSession,
    auth: AuthContext,
    campaign_id: uuid.UUID,
    target_id: uuid.UUID,
    data: CampaignTargetUpdate,
) -> Assignment:
    assignment = await get_assignment(session, auth, campaign_id, target_id)
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(assignment.link, field, value)
    await session.flush()
    return assignment


async def unassign_target(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, target_id: uuid.UUID
) -> None:
    assignment = await get_assignment(session, auth, campaign_id, target_id)
    await CampaignTargetRepository(session).delete(assignment.link)
