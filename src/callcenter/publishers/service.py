"""Publishers (affiliates) and what they are paid.

Business rules:
- A publisher's name is unique within the account (archived ones included, since they still appear on
  old calls and reports); the database's unique constraint has the last word under concurrency.
- Sub ids are short labels the publisher passes on (sub1..sub5 style); each appears once.
- Deleting a publisher archives it instead: call records keep pointing at it and reports keep its name.
  Archived publishers are left out of lists unless ``status=archived`` is asked for; PATCHing the status
  back to ``active`` restores one.
- A payout override replaces the campaign's payout for this publisher's converted calls on that campaign.
  Setting one is an upsert (PUT); the campaign must belong to the account, or it is simply not found
  (404), like any other account's row.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.campaigns.repository import CampaignRepository
from callcenter.kit.errors import FieldError, NotFound
from callcenter.kit.pagination import PageParams
from callcenter.kit.unique import flush_unique
from callcenter.models.buyers import PartyStatus
from callcenter.models.publishers import Publisher, PublisherPayout
from callcenter.publishers.repository import PayoutRepository, PublisherRepository
from callcenter.publishers.schemas import PayoutSet, PublisherCreate, PublisherFilters, PublisherUpdate

NAME_TAKEN = "a publisher with this name already exists"


async def list_publishers(
    session: AsyncSession,
    auth: AuthContext,
    filters: PublisherFilters,
    *,
    page: PageParams,
    order: list[Any],
) -> tuple[list[Publisher], int]:
    return await PublisherRepository(session).search(auth, filters, page, order_by=order)


async def get_publisher(session: AsyncSession, auth: AuthContext, publisher_id: uuid.UUID) -> Publisher:
    return await PublisherRepository(session).get(auth, publisher_id)


async def _save(session: AsyncSession) -> None:
    """Flushes the publisher. Its name was checked first, for a polite answer; a request that raced past
    that check meets the unique constraint, which settles the race with the same 422."""
    await flush_unique(
        session, table="publishers", columns=("account_id", "name"), error=FieldError("name", NAME_TAKEN)
    )


async def create_publisher(session: AsyncSession, auth: AuthContext, data: PublisherCreate) -> Publisher:
    repository = PublisherRepository(session)
    if await repository.name_taken(auth, data.name):
        raise FieldError("name", NAME_TAKEN)
    publisher = Publisher(account_id=auth.account_id, **data.model_dump())
    session.add(publisher)
    await _save(session)
    return publisher


async def update_publisher(
    session: AsyncSession, auth: AuthContext, publisher_id: uuid.UUID, data: PublisherUpdate
) -> Publisher:
    repository = PublisherRepository(session)
    publisher = await repository.get(auth, publisher_id)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and await repository.name_taken(auth, changes["name"], except_id=publisher.id):
        raise FieldError("name", NAME_TAKEN)
    for field, value in changes.items():
        setattr(publisher, field, value)
    await _save(session)
    return publisher


async def archive_publisher(session: AsyncSession, auth: AuthContext, publisher_id: uuid.UUID) -> None:
    """The DELETE route: the row stays so calls keep their publisher; only its status changes."""
    publisher = await PublisherRepository(session).get(auth, publisher_id)
    publisher.status = PartyStatus.ARCHIVED
    await session.flush()


async def list_payouts(
    session: AsyncSession, auth: AuthContext, publisher_id: uuid.UUID, *, page: PageParams
) -> tuple[list[PublisherPayout], int]:
    publisher = await PublisherRepository(session).get(auth, publisher_id)
    return await PayoutRepository(session).of_publisher(auth, publisher.id, page)


async def set_payout(
    session: AsyncSession, auth: AuthContext, publisher_id: uuid.UUID, campaign_id: uuid.UUID, data: PayoutSet
) -> PublisherPayout:
    publisher = await PublisherRepository(session).get(auth, publisher_id)
    campaign = await CampaignRepository(session).get(auth, campaign_id)
    return await PayoutRepository(session).upsert(
        auth, publisher_id=publisher.id, campaign_id=campaign.id, payout=data.payout
    )


async def delete_payout(
    session: AsyncSession, auth: AuthContext, publisher_id: uuid.UUID, campaign_id: uuid.UUID
) -> None:
    """Removes the override; the publisher is then paid the campaign's own payout again."""
    publisher = await PublisherRepository(session).get(auth, publisher_id)
    repository = PayoutRepository(session)
    payout = await repository.find_pair(auth, publisher.id, campaign_id)
    if payout is None:
        raise NotFound("payout")
    await repository.delete(payout)
