"""Managing buyers and their targets.

Business rules:
- A buyer's name is unique within the account (422 on ``name``).
- A target belongs to a buyer of the same account. A buyer of another account is reported exactly like
  a missing one (422 on ``buyer_id``, "buyer not found"), so its existence leaks nowhere. Changing
  ``buyer_id`` moves a target to another buyer of the account.
- Only an archived target may belong to an archived buyer (409 otherwise): restore the buyer before
  adding, moving or restoring targets under it, so no live target hides under a buyer the lists hide.
- Deleting a buyer or a target archives it (status ``archived``) instead of removing the row: call
  records, attempts and reports keep pointing at the buyer and target that took each call. Archiving a
  buyer archives all of its targets; restoring a buyer (PATCH ``status``) does not restore them.
  ``PATCH {"status": "archived"}`` is the same operation as DELETE and follows the same rules.
- Archiving is refused (409, naming the campaigns) while the target, or any target of the buyer, is
  assigned to an active campaign: taking live routing away from a running campaign must be a deliberate
  step (pause the campaign or remove the assignment first). Assignments to draft or paused campaigns
  stay in place; archived targets never take calls.
- Archived rows are left out of lists unless ``status=archived`` is asked for; GET by id still returns
  them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.buyers.repository import BuyerRepository, TargetRepository
from callcenter.buyers.schedules import Schedule
from callcenter.buyers.schemas import BuyerCreate, BuyerUpdate, TargetCreate, TargetUpdate
from callcenter.kit.errors import Conflict, FieldError
from callcenter.kit.pagination import PageParams
from callcenter.kit.unique import flush_unique
from callcenter.models.buyers import Buyer, PartyStatus, Target
from callcenter.models.campaigns import Campaign

NAME_TAKEN = "A buyer with this name already exists"
BUYER_NOT_FOUND = "buyer not found"


async def _flush_named(session: AsyncSession) -> None:
    """Flushes a new or renamed buyer. The name is checked before writing, for a polite answer; this
    catches the race of two requests taking the same name, which the unique constraint settles."""
    await flush_unique(
        session, table="buyers", columns=("account_id", "name"), error=FieldError("name", NAME_TAKEN)
    )


async def _check_name_free(
    repository: BuyerRepository, auth: AuthContext, name: str, *, other_than: uuid.UUID | None = None
) -> None:
    if await repository.name_taken(auth, name, other_than=other_than):
        raise FieldError("name", NAME_TAKEN)


def _in_active_campaigns(subject: str, remedy: str, campaigns: Sequence[Campaign]) -> Conflict:
    names = ", ".join(f'"{campaign.name}"' for campaign in campaigns)
    return Conflict(
        f"{subject} assigned to active campaigns: {names}. Pause those campaigns or remove {remedy} "
        "from them first.",
        code="in_active_campaign",
        details=[{"campaign_id": str(campaign.id), "name": campaign.name} for campaign in campaigns],
    )


async def list_buyers(
    session: AsyncSession,
    auth: AuthContext,
    page: PageParams,
    *,
    status: PartyStatus | None,
    q: str | None,
    order_by: Sequence[Any],
) -> tuple[list[Buyer], int]:
    """Buyers whose name or company contains ``q``; archived ones only when ``status`` asks for them."""
    return await BuyerRepository(session).search(auth, page, status=status, q=q, order_by=order_by)


async def get_buyer(session: AsyncSession, auth: AuthContext, buyer_id: uuid.UUID) -> Buyer:
    return await BuyerRepository(session).get(auth, buyer_id)


async def create_buyer(session: AsyncSession, auth: AuthContext, data: BuyerCreate) -> Buyer:
    repository = BuyerRepository(session)
    await _check_name_free(repository, auth, data.name)
    buyer = Buyer(account_id=auth.account_id, **data.model_dump())
    session.add(buyer)
    await _flush_named(session)
    return buyer


async def update_buyer(
    session: AsyncSession, auth: AuthContext, buyer_id: uuid.UUID, data: BuyerUpdate
) -> Buyer:
    """Applies the fields sent. Setting ``status`` to archived archives the buyer as DELETE does."""
    repository = BuyerRepository(session)
    buyer = await repository.get(auth, buyer_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name", buyer.name) != buyer.name:
        await _check_name_free(repository, auth, changes["name"], other_than=buyer.id)
    if changes.get("status") == PartyStatus.ARCHIVED and buyer.status != PartyStatus.ARCHIVED:
        await _archive_buyer(session, auth, buyer)
    for field, value in changes.items():
        setattr(buyer, field, value)
    await _flush_named(session)
    return buyer


async def delete_buyer(session: AsyncSession, auth: AuthContext, buyer_id: uuid.UUID) -> None:
    """Archives the buyer and all of its targets (see the module's rules); archiving twice is harmless."""
    buyer = await BuyerRepository(session).get(auth, buyer_id)
    if buyer.status != PartyStatus.ARCHIVED:
        await _archive_buyer(session, auth, buyer)


async def _archive_buyer(session: AsyncSession, auth: AuthContext, buyer: Buyer) -> None:
    targets = TargetRepository(session)
    campaigns = await targets.active_campaigns_of_buyer(auth, buyer.id)
    if campaigns:
        raise _in_active_campaigns(f'Buyer "{buyer.name}" has targets', "its targets", campaigns)
    buyer.status = PartyStatus.ARCHIVED
    await targets.archive_of_buyer(auth, buyer.id)
    await session.flush()


async def list_targets(
    session: AsyncSession,
    auth: AuthContext,
    page: PageParams,
    *,
    buyer_id: uuid.UUID | None,
    status: PartyStatus | None,
    q: str | None,
    order_by: Sequence[Any],
) -> tuple[list[Target], int]:
    """Targets whose name or destination contains ``q``; archived ones only when ``status`` asks."""
    return await TargetRepository(session).search(
        auth, page, buyer_id=buyer_id, status=status, q=q, order_by=order_by
    )


async def list_buyer_targets(
    session: AsyncSession,
    auth: AuthContext,
    buyer_id: uuid.UUID,
    page: PageParams,
    *,
    status: PartyStatus | None,
    q: str | None,
    order_by: Sequence[Any],
) -> tuple[list[Target], int]:
    """The targets of one buyer; 404 when the buyer is not the caller's."""
    buyer = await BuyerRepository(session).get(auth, buyer_id)
    return await TargetRepository(session).search(
        auth, page, buyer_id=buyer.id, status=status, q=q, order_by=order_by
    )


async def get_target(session: AsyncSession, auth: AuthContext, target_id: uuid.UUID) -> Target:
    return await TargetRepository(session).get(auth, target_id)


async def _owning_buyer(session: AsyncSession, auth: AuthContext, buyer_id: uuid.UUID) -> Buyer:
    buyer = await BuyerRepository(session).find(auth, buyer_id)
    if buyer is None:
        raise FieldError("buyer_id", BUYER_NOT_FOUND)
    return buyer


def _check_buyer_not_archived(buyer: Buyer, status: PartyStatus) -> None:
    if buyer.status == PartyStatus.ARCHIVED and status != PartyStatus.ARCHIVED:
        raise Conflict(
            f'Buyer "{buyer.name}" is archived; restore it before giving it {status} targets',
            code="buyer_archived",
        )


def _schedule_document(schedule: Schedule | None) -> dict[str, Any] | None:
    # The whole document is stored (every weekday, sorted holidays), so it reads back in one normal form.
    return None if schedule is None else schedule.model_dump(mode="json")


async def create_target(session: AsyncSession, auth: AuthContext, data: TargetCreate) -> Target:
    buyer = await _owning_buyer(session, auth, data.buyer_id)
    _check_buyer_not_archived(buyer, data.status)
    fields = data.model_dump(exclude={"schedule"})
    target = Target(account_id=auth.account_id, schedule=_schedule_document(data.schedule), **fields)
    return await TargetRepository(session).add(target)


async def update_target(
    session: AsyncSession, auth: AuthContext, target_id: uuid.UUID, data: TargetUpdate
) -> Target:
    """Applies the fields sent; ``buyer_id`` moves the target, ``status`` archived archives it."""
    repository = TargetRepository(session)
    target = await repository.get(auth, target_id)
    changes = data.model_dump(exclude_unset=True, exclude={"schedule"})
    if "schedule" in data.model_fields_set:
        changes["schedule"] = _schedule_document(data.schedule)
    status = changes.get("status", target.status)
    if "buyer_id" in changes or "status" in changes:
        buyer = await _owning_buyer(session, auth, changes.get("buyer_id", target.buyer_id))
        _check_buyer_not_archived(buyer, status)
    if status == PartyStatus.ARCHIVED and target.status != PartyStatus.ARCHIVED:
        await _check_not_in_active_campaigns(repository, auth, target)
    for field, value in changes.items():
        setattr(target, field, value)
    await session.flush()
    return target


async def delete_target(session: AsyncSession, auth: AuthContext, target_id: uuid.UUID) -> None:
    """Archives the target (see the module's rules); archiving twice is harmless."""
    repository = TargetRepository(session)
    target = await repository.get(auth, target_id)
    if target.status != PartyStatus.ARCHIVED:
        await _check_not_in_active_campaigns(repository, auth, target)
        target.status = PartyStatus.ARCHIVED
        await session.flush()


async def _check_not_in_active_campaigns(
    repository: TargetRepository, auth: AuthContext, target: Target
) -> None:
    campaigns = await repository.active_campaigns_of_target(auth, target.id)
    if campaigns:
        raise _in_active_campaigns(f'Target "{target.name}" is', "the target", campaigns)
