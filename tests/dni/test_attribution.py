"""A call to a pool number is attributed to the visitor holding its lease."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.base import utcnow
from callcenter.models.dni import VisitorSession
from callcenter.models.numbers import NumberPool, OverflowPolicy
from tests.calls.conftest import CheckedEmulator
from tests.calls.factories import make_campaign, make_target
from tests.config_factories import create_number, create_publisher
from tests.dni.factories import create_tag, pool_with_numbers, post_track, visitor_id
from tests.factories import LoggedIn

CALLER = "+12125550143"


async def _call(twilio: CheckedEmulator, owner: LoggedIn, pool: NumberPool | None, to: str) -> dict[str, Any]:
    """Calls ``to`` through the pool's voice webhook (or the direct one) and returns ``/api/calls/{id}``."""
    path = f"/api/webhooks/pool/{pool.id}/voice" if pool else "/api/webhooks/voice"
    transcript = await twilio.call(to=to, from_=CALLER, voice_path=path)
    listed = (await owner.client.get("/api/calls")).json()["items"]
    call_id = next(c["id"] for c in listed if c["call_sid"] == transcript.call_sid)
    detail: dict[str, Any] = (await owner.client.get(f"/api/calls/{call_id}")).json()
    return detail


async def _pool(session: AsyncSession, owner: LoggedIn, **fields: Any) -> NumberPool:
    campaign = await make_campaign(session, account_id=owner.account_id)
    await make_target(session, campaign=campaign)
    pool, _ = await pool_with_numbers(
        session, account_id=owner.account_id, size=2, campaign_id=campaign.id, **fields
    )
    return pool


async def test_a_call_to_a_leased_number_carries_the_visitors_utm_source_and_gclid(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    pool = await _pool(session, owner)
    acme = await create_publisher(session, account_id=owner.account_id, name="Acme")
    tag = await create_tag(session, account_id=owner.account_id, pool=pool, custom_params=["kw"])
    params = {"utm_source": "google", "utm_campaign": "spring", "gclid": "Cj0KCQiA", "fbclid": "F1"}
    params |= {"publisher": "acme", "kw": "plumber", "sub2": "s2", "email": "not@copied.example"}
    tracked = await post_track(
        client,
        {
            "tag": tag.code,
            "visitor_id": visitor_id(),
            "page_url": "https://lp.example/?utm_source=google",
            "params": params,
        },
    )
    leased = tracked.json()

    call = await _call(twilio, owner, pool, leased["number_e164"])

    assert (call["utm_source"], call["gclid"], call["utm_campaign"]) == ("google", "Cj0KCQiA", "spring")
    assert call["visitor_session_id"] == leased["session_id"]
    assert call["publisher_id"] == str(acme.id)
    assert call["attribution"] == {
        "fbclid": "F1",
        "publisher": "acme",
        "kw": "plumber",
        "sub2": "s2",
        "visitor_id": leased["visitor_id"],
        "landing_url": "https://lp.example/?utm_source=google",
        "referrer": "",
    }


async def test_a_call_just_after_the_lease_ended_is_attributed_but_flagged_ambiguous(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    pool = await _pool(session, owner)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    leased = (await post_track(client, {"tag": tag.code, "params": {"utm_source": "bing"}})).json()
    # The visitor closed the page five minutes ago: the lease ran out, within the grace period.
    await session.execute(
        update(VisitorSession)
        .values(expires_at=utcnow() - timedelta(minutes=5))
        .execution_options(synchronize_session=False)
    )

    call = await _call(twilio, owner, pool, leased["number_e164"])

    assert call["utm_source"] == "bing"
    assert call["attribution"]["ambiguous"] is True


async def test_a_lease_that_ended_long_before_the_call_attributes_nothing(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    pool = await _pool(session, owner)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    leased = (await post_track(client, {"tag": tag.code, "params": {"utm_source": "bing"}})).json()
    await session.execute(
        update(VisitorSession)
        .values(expires_at=utcnow() - timedelta(minutes=20))
        .execution_options(synchronize_session=False)
    )

    call = await _call(twilio, owner, pool, leased["number_e164"])

    assert (call["utm_source"], call["visitor_session_id"], call["attribution"]) == (None, None, {})


async def test_a_shared_number_under_reuse_oldest_makes_the_call_ambiguous(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    pool = await _pool(session, owner, overflow_policy=OverflowPolicy.REUSE_OLDEST)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    first = (await post_track(client, {"tag": tag.code, "params": {"utm_source": "one"}})).json()
    await post_track(client, {"tag": tag.code})
    shared = (await post_track(client, {"tag": tag.code, "params": {"utm_source": "three"}})).json()
    assert shared["number_e164"] == first["number_e164"]

    call = await _call(twilio, owner, pool, shared["number_e164"])

    assert (call["utm_source"], call["visitor_session_id"]) == ("three", shared["session_id"])
    assert call["attribution"]["ambiguous"] is True


async def test_calls_to_static_numbers_credit_the_numbers_publisher(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    campaign = await make_campaign(session, account_id=owner.account_id)
    await make_target(session, campaign=campaign)
    billboard = await create_publisher(session, account_id=owner.account_id)
    other = await create_publisher(session, account_id=owner.account_id)
    number = await create_number(
        session, account_id=owner.account_id, campaign_id=campaign.id, publisher_id=billboard.id
    )
    tag = await create_tag(session, account_id=owner.account_id, number=number, publisher_id=other.id)
    assert (await post_track(client, {"tag": tag.code, "params": {"utm_source": "x"}})).status_code == 200

    call = await _call(twilio, owner, None, number.number)

    assert (call["publisher_id"], call["utm_source"], call["visitor_session_id"]) == (
        str(billboard.id),
        None,
        None,
    )


async def test_a_pool_number_nobody_leased_credits_its_own_publisher(
    session: AsyncSession, owner: LoggedIn, twilio: CheckedEmulator
) -> None:
    pool = await _pool(session, owner)
    publisher = await create_publisher(session, account_id=owner.account_id)
    number = await create_number(
        session, account_id=owner.account_id, pool_id=pool.id, publisher_id=publisher.id
    )

    call = await _call(twilio, owner, pool, number.number)

    assert (call["publisher_id"], call["visitor_session_id"], call["attribution"]) == (
        str(publisher.id),
        None,
        {},
    )
