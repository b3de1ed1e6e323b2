"""Tracking tags and pool health.

Business rules:
- A tag shows the numbers of one pool (each visitor leases one) or one static number: exactly one of
  ``pool_id`` and ``number_id``, a 422 on ``pool_id`` otherwise. A static number must ring a campaign
  directly; a number of a pool is shown through its pool, so that each visitor gets their own.
- ``campaign_id`` defaults to the campaign of the pool or number; when given, it must be that same
  campaign (a tag cannot claim calls that ring another campaign).
- Every referenced row (campaign, pool, number, publisher) must be the account's own; any other id is
  "<thing> not found", exactly like one that does not exist. An archived publisher cannot be given to a
  tag.
- ``code`` is public (it sits in the landing page's HTML) and unique in the whole installation, because
  the tracking endpoint finds the tag, and so the account, by its code alone. It is generated (random,
  unguessable) unless given; a clash is a 422 on ``code``. Names are unique within the account.
- Deleting a tag stops its script from showing numbers; its visitor sessions stay, so calls and reports
  keep their attribution.
- Pool health looks at a window of ``hours`` (1 to 720, default 24) and recommends a size with 20%
  headroom over the peak demand (visitors wanting a number at the same time, overflowed ones included);
  with no visitor in the window it recommends the current size.
"""

from __future__ import annotations

import math
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.campaigns.repository import CampaignRepository
from callcenter.dni import repository
from callcenter.dni.repository import TagRepository
from callcenter.dni.schemas import PoolHealth, TagCreate, TagFilters, TagUpdate
from callcenter.kit.errors import FieldError
from callcenter.kit.pagination import PageParams
from callcenter.kit.repository import TenantRepository
from callcenter.kit.unique import flush_unique
from callcenter.models.buyers import PartyStatus
from callcenter.models.dni import TrackingTag
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.numbers.repository import NumberRepository, PoolRepository
from callcenter.publishers.repository import PublisherRepository

CODE_TAKEN = "a tracking tag with this code already exists"
NAME_TAKEN = "a tracking tag with this name already exists"
HEADROOM = 1.2


def new_code() -> str:
    """10 random URL-safe characters (60 bits): short enough for a script tag, never guessed."""
    return secrets.token_urlsafe(8)[:10]


async def _reference(
    repository: TenantRepository[Any], auth: AuthContext, field: str, row_id: uuid.UUID | None
) -> Any:
    if row_id is None:
        return None
    row = await repository.find(auth, row_id)
    if row is None:
        raise FieldError(field, f"{repository.resource} not found")
    return row


async def _check(session: AsyncSession, auth: AuthContext, tag: TrackingTag, changes: dict[str, Any]) -> None:
    """Checks ``changes`` against ``tag`` (its current state, or blank when new) and sets the campaign to
    that of the pool or number, which is what calls to the tag's numbers ring."""
    merged = {name: changes.get(name, getattr(tag, name)) for name in ("pool_id", "number_id")}
    if (merged["pool_id"] is None) == (merged["number_id"] is None):
        raise FieldError("pool_id", "set either pool_id (numbers leased per visitor) or number_id, not both")
    repo = TagRepository(session)
    if "code" in changes and await repo.code_taken(changes["code"], except_id=tag.id):
        raise FieldError("code", CODE_TAKEN)
    if "name" in changes and await repo.name_taken(auth, changes["name"], except_id=tag.id):
        raise FieldError("name", NAME_TAKEN)
    pool: NumberPool | None = await _reference(PoolRepository(session), auth, "pool_id", merged["pool_id"])
    number: PhoneNumber | None = await _reference(
        NumberRepository(session), auth, "number_id", merged["number_id"]
    )
    if number is not None and number.pool_id is not None:
        raise FieldError("number_id", "this number belongs to a pool: give the tag the pool instead")
    source_campaign = pool.campaign_id if pool is not None else number.campaign_id if number else None
    if changes.get("campaign_id") is None:
        changes["campaign_id"] = source_campaign
    else:
        await _reference(CampaignRepository(session), auth, "campaign_id", changes["campaign_id"])
        if changes["campaign_id"] != source_campaign:
            raise FieldError("campaign_id", "must be the campaign of the tag's pool or number")
    if changes.get("publisher_id") not in (None, tag.publisher_id):
        publisher = await _reference(
            PublisherRepository(session), auth, "publisher_id", changes["publisher_id"]
        )
        if publisher.status == PartyStatus.ARCHIVED:
            raise FieldError("publisher_id", "publisher is archived")


async def _save(session: AsyncSession) -> None:
    """Flushes; a request that raced past ``_check`` with the same code meets the unique constraint and
    gets the same 422. (Names are checked by ``_check`` only: a clash there is harmless.)"""
    await flush_unique(
        session, table="tracking_tags", columns=("code",), error=FieldError("code", CODE_TAKEN)
    )


async def list_tags(
    session: AsyncSession, auth: AuthContext, filters: TagFilters, *, page: PageParams, order: list[Any]
) -> tuple[list[TrackingTag], int]:
    return await TagRepository(session).search(auth, filters, page, order_by=order)


async def get_tag(session: AsyncSession, auth: AuthContext, tag_id: uuid.UUID) -> TrackingTag:
    return await TagRepository(session).get(auth, tag_id)


async def create_tag(session: AsyncSession, auth: AuthContext, data: TagCreate) -> TrackingTag:
    changes = data.model_dump()
    if changes["code"] is None:
        changes["code"] = new_code()
    tag = TrackingTag(account_id=auth.account_id)
    await _check(session, auth, tag, changes)
    for field, value in changes.items():
        setattr(tag, field, value)
    session.add(tag)
    await _save(session)
    return tag


async def update_tag(
    session: AsyncSession, auth: AuthContext, tag_id: uuid.UUID, data: TagUpdate
) -> TrackingTag:
    tag = await TagRepository(session).get(auth, tag_id)
    changes = data.model_dump(exclude_unset=True)
    await _check(session, auth, tag, changes)
    for field, value in changes.items():
        setattr(tag, field, value)
    await _save(session)
    return tag


async def delete_tag(session: AsyncSession, auth: AuthContext, tag_id: uuid.UUID) -> None:
    repo = TagRepository(session)
    await repo.delete(await repo.get(auth, tag_id))


async def pool_health(
    session: AsyncSession, auth: AuthContext, pool_id: uuid.UUID, *, hours: int, now: datetime
) -> PoolHealth:
    pool = await PoolRepository(session).get(auth, pool_id)
    usage = await repository.pool_usage(session, pool, since=now - timedelta(hours=hours), now=now)
    episode_gap = timedelta(seconds=pool.lease_seconds)
    exhausted = sum(
        1
        for i, at in enumerate(usage.overflow_times)
        if i == 0 or at - usage.overflow_times[i - 1] > episode_gap
    )
    recommended = math.ceil(usage.peak_demand * HEADROOM) if usage.sessions else usage.size
    return PoolHealth(
        pool_id=pool.id,
        window_hours=hours,
        size=usage.size,
        leased_now=usage.leased_now,
        available_now=max(0, usage.size - usage.leased_now),
        sessions=usage.sessions,
        exhausted_events=exhausted,
        overflow_count=len(usage.overflow_times),
        peak_leased=usage.peak_leased,
        peak_demand=usage.peak_demand,
        recommended_size=max(recommended, 1),
    )
