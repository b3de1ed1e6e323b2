"""Tracking numbers bought, wired, imported and released at the telephony provider (Twilio).

Business rules:
- Buying a number checks its assignment first exactly as adding one by hand does (campaign, pool and
  publisher of the account, a campaign or a pool but not both, the number not in the platform yet),
  then buys it with its webhooks set: voice URL ``/api/webhooks/voice`` (a pool number:
  ``/api/webhooks/pool/{pool_id}/voice``), status callback ``/api/webhooks/status`` and fallback URL
  ``/api/webhooks/fallback``, all under ``PUBLIC_URL``, all POST. Should recording it fail after the
  purchase (a race for the same number), the number is released again.
- ``configure`` points an owned number's webhooks at this platform again (after a pool change, or a new
  ``PUBLIC_URL``).
- Releasing a number gives it back to the provider and unassigns it everywhere: a number that never took
  a call is deleted (and with it every reference to it); one with call records stays, unassigned from its
  campaign, pool and publisher, without its provider id, so its calls keep their number.
- The provider account is the installation's, shared by every account of it: its numbers that another
  account holds are invisible (not listed, not importable); numbers no account holds can be imported
  by any, as unassigned tracking numbers.
- No transaction is held open while the provider is called (see ``service.release_transaction``).
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.integrations.provider import NumberProvider, NumberWebhooks, OwnedNumber
from callcenter.integrations.repository import numbers_by_e164
from callcenter.integrations.schemas import NumberImport, NumberPurchase, NumberSearch, ProviderNumberRead
from callcenter.integrations.service import release_transaction
from callcenter.kit.errors import Conflict, FieldError
from callcenter.models.numbers import PhoneNumber
from callcenter.numbers import service as numbers
from callcenter.numbers.repository import NumberRepository
from callcenter.numbers.schemas import NumberCreate

logger = logging.getLogger(__name__)

NOT_A_PROVIDER_NUMBER = "This number was not bought through the provider (it has no provider id)"


def webhooks_for(public_url: str, pool_id: uuid.UUID | None) -> NumberWebhooks:
    base = public_url.rstrip("/")
    voice = f"{base}/api/webhooks/pool/{pool_id}/voice" if pool_id else f"{base}/api/webhooks/voice"
    return NumberWebhooks(
        voice_url=voice,
        status_callback=f"{base}/api/webhooks/status",
        fallback_url=f"{base}/api/webhooks/fallback",
    )


async def search_available(
    session: AsyncSession, provider: NumberProvider, query: NumberSearch
) -> list[ProviderNumberRead]:
    await release_transaction(session)
    found = await provider.search(
        country=query.country,
        toll_free=query.toll_free,
        area_code=query.area_code,
        contains=query.contains,
        region=query.region.upper() if query.region else None,
        limit=query.limit,
    )
    return [
        ProviderNumberRead(
            id=None,
            sid=None,
            phone_number=n.phone_number,
            friendly_name=n.friendly_name,
            region=n.region,
            locality=n.locality,
            postal_code=n.postal_code,
            iso_country=n.iso_country,
            capabilities=n.capabilities,
        )
        for n in found
    ]


async def _owned_and_visible(
    session: AsyncSession, auth: AuthContext, provider: NumberProvider
) -> list[tuple[OwnedNumber, PhoneNumber | None]]:
    """The provider account's numbers this account may see: its own (with their row) and unclaimed ones."""
    await release_transaction(session)
    owned = await provider.owned()
    rows = await numbers_by_e164(session, [number.phone_number for number in owned])
    visible = []
    for number in owned:
        row = rows.get(number.phone_number)
        if row is None or row.account_id == auth.account_id:
            visible.append((number, row))
    return visible


async def list_provider_numbers(
    session: AsyncSession, auth: AuthContext, provider: NumberProvider
) -> list[ProviderNumberRead]:
    return [
        ProviderNumberRead(
            id=row.id if row else None,
            sid=number.sid,
            phone_number=number.phone_number,
            friendly_name=number.friendly_name,
            capabilities=number.capabilities,
            voice_url=number.voice_url,
        )
        for number, row in await _owned_and_visible(session, auth, provider)
    ]


async def buy_number(
    session: AsyncSession,
    auth: AuthContext,
    provider: NumberProvider,
    data: NumberPurchase,
    *,
    public_url: str,
) -> PhoneNumber:
    request = NumberCreate(
        number=data.phone_number,
        friendly_name=data.friendly_name,
        campaign_id=data.campaign_id,
        pool_id=data.pool_id,
        publisher_id=data.publisher_id,
    )
    # The numbers domain's own rules, applied in a savepoint that is rolled back: nothing is bought for
    # an assignment that would then be refused.
    savepoint = await session.begin_nested()
    try:
        await numbers.create_number(session, auth, request)
    finally:
        await savepoint.rollback()
    await release_transaction(session)
    owned = await provider.buy(
        data.phone_number, friendly_name=data.friendly_name, webhooks=webhooks_for(public_url, data.pool_id)
    )
    try:
        return await numbers.create_number(
            session,
            auth,
            request.model_copy(update={"number": owned.phone_number, "provider_sid": owned.sid}),
        )
    except Exception:
        await session.rollback()
        logger.warning("bought number could not be recorded; releasing it", extra={"sid": owned.sid})
        await provider.release(owned.sid)
        raise


async def _provider_sid(session: AsyncSession, auth: AuthContext, number_id: uuid.UUID) -> PhoneNumber:
    number = await NumberRepository(session).get(auth, number_id)
    if not number.provider_sid:
        raise Conflict(NOT_A_PROVIDER_NUMBER, code="not_a_provider_number")
    return number


async def configure_number(
    session: AsyncSession,
    auth: AuthContext,
    provider: NumberProvider,
    number_id: uuid.UUID,
    *,
    public_url: str,
) -> PhoneNumber:
    number = await _provider_sid(session, auth, number_id)
    sid, webhooks = number.provider_sid, webhooks_for(public_url, number.pool_id)
    assert sid is not None
    await release_transaction(session)
    await provider.configure(sid, webhooks)
    return number


async def release_number(
    session: AsyncSession, auth: AuthContext, provider: NumberProvider, number_id: uuid.UUID
) -> None:
    number = await _provider_sid(session, auth, number_id)
    sid = number.provider_sid
    assert sid is not None
    await release_transaction(session)
    await provider.release(sid)
    repository = NumberRepository(session)
    number = await repository.get(auth, number_id)
    if await repository.has_calls(number.id):
        number.campaign_id = number.pool_id = number.publisher_id = number.provider_sid = None
        await session.flush()
    else:
        await repository.delete(number)


async def import_numbers(
    session: AsyncSession, auth: AuthContext, provider: NumberProvider, data: NumberImport, *, public_url: str
) -> list[PhoneNumber]:
    if not data.all and not data.sids:
        raise FieldError("sids", "name the numbers to import (sids), or set all")
    visible = await _owned_and_visible(session, auth, provider)
    by_sid = {number.sid: (number, row) for number, row in visible}
    if data.all:
        chosen = visible
    else:
        missing = [sid for sid in dict.fromkeys(data.sids) if sid not in by_sid]
        if missing:
            raise FieldError("sids", f"not found in the provider account: {', '.join(missing)}")
        chosen = [by_sid[sid] for sid in dict.fromkeys(data.sids)]
    pools = {number.sid: row.pool_id if row else None for number, row in chosen}
    await release_transaction(session)
    if data.configure:
        for number, _ in chosen:
            await provider.configure(number.sid, webhooks_for(public_url, pools[number.sid]))
    imported = []
    repository = NumberRepository(session)
    for number, row in chosen:
        if row is not None:
            mine = await repository.get(auth, row.id)
            mine.provider_sid = number.sid
            imported.append(mine)
            continue
        created = NumberCreate(
            number=number.phone_number, friendly_name=number.friendly_name[:200], provider_sid=number.sid
        )
        imported.append(await numbers.create_number(session, auth, created))
    await session.flush()
    return imported
