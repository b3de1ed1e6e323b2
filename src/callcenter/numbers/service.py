"""Tracking numbers and the pools that lease them to website visitors.

Business rules:
- A number is stored in E.164 (``(415) 555-0100`` -> ``+14155550100``) and exists once in the whole
  installation: the voice webhook finds the number, and so the account, by the dialled number alone.
- A number rings one campaign directly or belongs to one pool (whose campaign it then rings), never both:
  a static number shown on a page is attributed to its campaign, a pool number to the visitor who leased
  it. The database's check constraint forbids both at once; the API answers 422 on ``campaign_id``.
- A number, a pool or a payout can only point at rows of the caller's account; any other id is reported
  as "<thing> not found", exactly like one that does not exist. New assignments to an archived publisher
  are refused (the publisher no longer brings calls).
- Editing a number may move it from one pool to another: that is an explicit choice about that number.
  Adding numbers to a pool, in contrast, never takes them from another pool or a campaign: the request
  fails with 409 naming them and changes nothing, so a bulk add cannot silently rob another campaign.
  Adding a number that is already in the pool is harmless.
- Pool names are unique within the account. A visitor keeps a leased number for ``lease_seconds``,
  renewed while the page stays open up to ``max_lease_seconds``, which therefore cannot be shorter.
- Deleting a pool releases its numbers (they become unassigned); deleting a number removes it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.campaigns.repository import CampaignRepository
from callcenter.kit.errors import Conflict, FieldError, NotFound
from callcenter.kit.pagination import PageParams
from callcenter.kit.repository import TenantRepository
from callcenter.kit.unique import flush_unique
from callcenter.models.buyers import PartyStatus
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.numbers.repository import NumberRepository, PoolRepository
from callcenter.numbers.schemas import (
    NumberCreate,
    NumberFilters,
    NumberUpdate,
    PoolCreate,
    PoolFilters,
    PoolNumbersAdd,
    PoolUpdate,
)
from callcenter.publishers.repository import PublisherRepository

NUMBER_TAKEN = "number already exists"
POOL_NAME_TAKEN = "a pool with this name already exists"


async def _check_reference(
    repository: TenantRepository[Any], auth: AuthContext, field: str, row_id: uuid.UUID | None
) -> Any:
    if row_id is None:
        return None
    row = await repository.find(auth, row_id)
    if row is None:
        raise FieldError(field, f"{repository.resource} not found")
    return row


# ---- numbers ---------------------------------------------------------------------------------------


async def list_numbers(
    session: AsyncSession, auth: AuthContext, filters: NumberFilters, *, page: PageParams, order: list[Any]
) -> tuple[list[PhoneNumber], int]:
    return await NumberRepository(session).search(auth, filters, page, order_by=order)


async def get_number(session: AsyncSession, auth: AuthContext, number_id: uuid.UUID) -> PhoneNumber:
    return await NumberRepository(session).get(auth, number_id)


async def _check_number(
    session: AsyncSession, auth: AuthContext, number: PhoneNumber, changes: dict[str, Any]
) -> None:
    """Checks ``changes`` against ``number`` (its current state, or blank when new) before they apply."""
    merged = {"campaign_id": number.campaign_id, "pool_id": number.pool_id, **changes}
    if merged["campaign_id"] is not None and merged["pool_id"] is not None:
        raise FieldError("campaign_id", "a number rings a campaign directly or belongs to a pool, not both")
    if "number" in changes and await NumberRepository(session).number_taken(
        changes["number"], except_id=number.id
    ):
        raise FieldError("number", NUMBER_TAKEN)
    await _check_reference(CampaignRepository(session), auth, "campaign_id", changes.get("campaign_id"))
    await _check_reference(PoolRepository(session), auth, "pool_id", changes.get("pool_id"))
    publisher = await _check_reference(
        PublisherRepository(session), auth, "publisher_id", changes.get("publisher_id")
    )
    if (
        publisher is not None
        and publisher.status == PartyStatus.ARCHIVED
        and publisher.id != number.publisher_id
    ):
        raise FieldError("publisher_id", "publisher is archived")


async def _save_number(session: AsyncSession) -> None:
    """Flushes the number. ``_check_number`` looked for it first, for a polite answer; a request that raced
    past that check meets the unique constraint, which settles the race with the same 422."""
    await flush_unique(
        session, table="phone_numbers", columns=("number",), error=FieldError("number", NUMBER_TAKEN)
    )


async def create_number(session: AsyncSession, auth: AuthContext, data: NumberCreate) -> PhoneNumber:
    number = PhoneNumber(account_id=auth.account_id)
    changes = data.model_dump()
    await _check_number(session, auth, number, changes)
    for field, value in changes.items():
        setattr(number, field, value)
    session.add(number)
    await _save_number(session)
    return number


async def update_number(
    session: AsyncSession, auth: AuthContext, number_id: uuid.UUID, data: NumberUpdate
) -> PhoneNumber:
    number = await NumberRepository(session).get(auth, number_id)
    changes = data.model_dump(exclude_unset=True)
    await _check_number(session, auth, number, changes)
    for field, value in changes.items():
        setattr(number, field, value)
    await _save_number(session)
    return number


async def delete_number(session: AsyncSession, auth: AuthContext, number_id: uuid.UUID) -> None:
    """Deletes a number that never took a call. A number with call records stays, so that no call ever
    points at a vanished number: unassign it (campaign and pool null) to stop it routing instead."""
    repository = NumberRepository(session)
    number = await repository.get(auth, number_id)
    if await repository.has_calls(number.id):
        raise Conflict(
            "This number has call records and cannot be deleted; unassign it from its campaign or pool",
            code="number_has_calls",
        )
    await repository.delete(number)


# ---- pools -----------------------------------------------------------------------------------------


async def list_pools(
    session: AsyncSession, auth: AuthContext, filters: PoolFilters, *, page: PageParams, order: list[Any]
) -> tuple[list[NumberPool], int]:
    return await PoolRepository(session).search(auth, filters, page, order_by=order)


async def get_pool(session: AsyncSession, auth: AuthContext, pool_id: uuid.UUID) -> NumberPool:
    return await PoolRepository(session).get(auth, pool_id)


async def _check_pool(
    session: AsyncSession, auth: AuthContext, pool: NumberPool, changes: dict[str, Any]
) -> None:
    lease = changes.get("lease_seconds", pool.lease_seconds)
    max_lease = changes.get("max_lease_seconds", pool.max_lease_seconds)
    if max_lease < lease:
        raise FieldError("max_lease_seconds", f"must be at least lease_seconds ({lease})")
    if "name" in changes and await PoolRepository(session).name_taken(
        auth, changes["name"], except_id=pool.id
    ):
        raise FieldError("name", POOL_NAME_TAKEN)
    await _check_reference(CampaignRepository(session), auth, "campaign_id", changes.get("campaign_id"))


async def _save_pool(session: AsyncSession) -> None:
    """Flushes the pool; as for numbers, the unique constraint settles a race past ``_check_pool``."""
    await flush_unique(
        session,
        table="number_pools",
        columns=("account_id", "name"),
        error=FieldError("name", POOL_NAME_TAKEN),
    )


async def create_pool(session: AsyncSession, auth: AuthContext, data: PoolCreate) -> NumberPool:
    pool = NumberPool(account_id=auth.account_id, **data.model_dump())
    await _check_pool(session, auth, pool, data.model_dump())
    session.add(pool)
    await _save_pool(session)
    return pool


async def update_pool(
    session: AsyncSession, auth: AuthContext, pool_id: uuid.UUID, data: PoolUpdate
) -> NumberPool:
    pool = await PoolRepository(session).get(auth, pool_id)
    changes = data.model_dump(exclude_unset=True)
    await _check_pool(session, auth, pool, changes)
    for field, value in changes.items():
        setattr(pool, field, value)
    await _save_pool(session)
    return pool


async def delete_pool(session: AsyncSession, auth: AuthContext, pool_id: uuid.UUID) -> None:
    """Releases the pool's numbers (unassigned, ready for another pool or a campaign), then deletes it."""
    repository = PoolRepository(session)
    pool = await repository.get(auth, pool_id)
    await NumberRepository(session).release_pool(auth, pool.id)
    await repository.delete(pool)


async def list_pool_numbers(
    session: AsyncSession, auth: AuthContext, pool_id: uuid.UUID, *, page: PageParams
) -> tuple[list[PhoneNumber], int]:
    pool = await PoolRepository(session).get(auth, pool_id)
    return await NumberRepository(session).members(auth, pool.id, page)


async def add_pool_numbers(
    session: AsyncSession, auth: AuthContext, pool_id: uuid.UUID, data: PoolNumbersAdd
) -> list[PhoneNumber]:
    """Adds the numbers to the pool, all or nothing, and returns them.

    An id that is not one of the account's numbers is a 422 on ``number_ids`` that names no id (another
    account's number must look exactly like a missing one). A number held by another pool or a campaign is
    a 409 listing those numbers. The add itself is one conditional UPDATE whose row count must match:
    when it falls short, some number was taken in the meantime, and raising rolls the whole request back,
    including the numbers that did move.
    """
    pool = await PoolRepository(session).get(auth, pool_id)
    ids = list(dict.fromkeys(data.number_ids))
    repository = NumberRepository(session)
    missing = len(set(ids) - await repository.existing_ids(auth, ids))
    if missing:
        raise FieldError("number_ids", f"numbers not found: {missing} of {len(ids)}")
    if await repository.join_pool(auth, pool.id, ids) != len(ids):
        taken = await repository.taken_elsewhere(auth, pool.id, ids)
        raise Conflict(
            f"already in another pool or on a campaign: {', '.join(taken)}", details={"numbers": taken}
        )
    return await repository.fresh(auth, ids)


async def remove_pool_number(
    session: AsyncSession, auth: AuthContext, pool_id: uuid.UUID, number_id: uuid.UUID
) -> None:
    """Takes the number out of the pool (it becomes unassigned); 404 when it is not in this pool."""
    pool = await PoolRepository(session).get(auth, pool_id)
    if not await NumberRepository(session).leave_pool(auth, pool.id, number_id):
        raise NotFound("number")
