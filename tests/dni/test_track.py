"""``POST /api/dni/track``: the public endpoint t.js calls, and the lease rules behind it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.app import create_app
from callcenter.dni.tracking import format_number
from callcenter.kit.db import Database
from callcenter.live import LiveState
from callcenter.models.buyers import PartyStatus
from callcenter.models.dni import NumberFormat, PoolOverflow, VisitorSession
from callcenter.models.numbers import OverflowPolicy
from callcenter.settings import Settings
from tests.config_factories import create_campaign, create_number, create_publisher
from tests.dni.factories import create_tag, pool_with_numbers, post_track, visit, visitor_id
from tests.factories import LoggedIn

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def _session_row(session: AsyncSession, session_id: uuid.UUID | str) -> VisitorSession:
    row = await session.get(VisitorSession, uuid.UUID(str(session_id)), populate_existing=True)
    assert row is not None
    return row


async def _overflows(session: AsyncSession, pool_id: uuid.UUID) -> int:
    return int(await session.scalar(select(func.count()).where(PoolOverflow.pool_id == pool_id)) or 0)


# ---- the HTTP contract --------------------------------------------------------------------------------


async def test_visitor_gets_a_pool_number_and_the_visit_is_stored_with_every_parameter(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient
) -> None:
    pool, numbers = await pool_with_numbers(session, account_id=owner.account_id, size=3)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool, selectors=[".phone"])
    params = {
        "utm_source": "google",
        "utm_medium": "cpc",
        "gclid": "Cj0KCQ",
        "fbclid": "fb1",
        "kw": "plumber",
    }

    response = await post_track(
        client,
        {
            "tag": tag.code,
            "page_url": "https://landing.example/?utm_source=google",
            "referrer": "https://g.co/",
            "params": params,
        },
        **{"User-Agent": "Mozilla/5.0 test"},
    )

    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    body = response.json()
    assert body["number_e164"] in {n.number for n in numbers}
    digits = body["number_e164"][2:]
    assert body["number_formatted"] == f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    assert (body["number_format"], body["selectors"], body["renew_seconds"]) == ("page", [".phone"], 150)
    assert len(body["visitor_id"]) == 32  # issued, since t.js sent none
    stored = await _session_row(session, body["session_id"])
    assert (stored.utm_source, stored.utm_medium, stored.gclid) == ("google", "cpc", "Cj0KCQ")
    assert stored.params == params
    assert (stored.referrer, stored.user_agent) == ("https://g.co/", "Mozilla/5.0 test")
    assert stored.landing_url == "https://landing.example/?utm_source=google"
    assert stored.expires_at - stored.leased_at == timedelta(seconds=pool.lease_seconds)


async def test_preflight_is_answered_for_any_origin(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/api/dni/track",
        headers={"Origin": "https://landing.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "Content-Type" in response.headers["access-control-allow-headers"]


async def test_unknown_tag_is_a_clear_404_the_landing_page_can_read(client: httpx.AsyncClient) -> None:
    response = await post_track(client, {"tag": "no-such-tag"})

    assert response.status_code == 404
    assert response.headers["access-control-allow-origin"] == "*"
    error = response.json()["error"]
    assert error["code"] == "unknown_tag"
    assert "'no-such-tag'" in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "tag"),
        ({"tag": "x", "visitor_id": "not an id!"}, "visitor_id"),
        ({"tag": "x", "params": ["a"]}, "params"),
        ("not json", "body"),
    ],
)
async def test_bad_track_body_is_422_naming_the_field(
    client: httpx.AsyncClient, body: Any, field: str
) -> None:
    if isinstance(body, str):
        response = await client.post("/api/dni/track", content=body, headers={"Content-Type": "text/plain"})
    else:
        response = await post_track(client, body)
    assert response.status_code == 422, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]


async def test_oversized_visitor_input_is_trimmed_not_refused(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient
) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=1)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    params = {f"p{i}": "v" * 900 for i in range(80)} | {"x" * 100: "dropped"}

    response = await post_track(
        client, {"tag": tag.code, "page_url": "https://l.example/" + "a" * 5000, "params": params}
    )

    assert response.status_code == 200, response.text
    stored = await _session_row(session, response.json()["session_id"])
    assert len(stored.page_url) == 2000
    assert len(stored.params) == 50
    assert all(len(value) == 500 for value in stored.params.values())


async def test_tracking_is_rate_limited_per_client_ip(
    session: AsyncSession, owner: LoggedIn, settings: Settings, database: Database, live: LiveState
) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=1)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    app = create_app(
        settings.model_copy(update={"dni_track_rate_per_minute": 3}), database=database, live=live
    )

    def client_at(ip: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(ip, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://testserver")

    async with client_at("203.0.113.9") as noisy, client_at("203.0.113.10") as quiet:
        statuses = [(await post_track(noisy, {"tag": tag.code})).status_code for _ in range(4)]
        refused = await post_track(noisy, {"tag": tag.code})
        other_ip = await post_track(quiet, {"tag": tag.code})

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["access-control-allow-origin"] == "*"
    assert refused.json()["error"]["code"] == "rate_limited"
    assert other_ip.status_code == 200


# ---- lease rules --------------------------------------------------------------------------------------


async def test_the_same_visitor_keeps_its_number_and_session(
    session: AsyncSession, owner: LoggedIn, live: LiveState
) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=5)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    other_tag_same_pool = await create_tag(session, account_id=owner.account_id, pool=pool)
    me = visitor_id()

    first = await visit(session, live, tag, visitor=me, now=at(0))
    again = await visit(session, live, tag, visitor=me, now=at(20))
    elsewhere = await visit(session, live, other_tag_same_pool, visitor=me, now=at(40))

    assert first.number_e164 == again.number_e164 == elsewhere.number_e164
    assert first.session_id == again.session_id == elsewhere.session_id
    assert (await _session_row(session, first.session_id)).renewals == 2


async def test_free_numbers_go_least_recently_leased_first(
    session: AsyncSession, owner: LoggedIn, live: LiveState
) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=3, lease_seconds=60)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    leased = [(await visit(session, live, tag, now=at(i))).number_e164 for i in range(3)]
    assert len(set(leased)) == 3

    # All three expired; the one leased earliest goes first, then the next.
    later = [(await visit(session, live, tag, now=at(100 + i))).number_e164 for i in range(2)]

    assert later == leased[:2]


async def test_a_live_lease_is_never_given_to_another_visitor(
    session: AsyncSession, owner: LoggedIn, live: LiveState
) -> None:
    pool, _ = await pool_with_numbers(
        session, account_id=owner.account_id, size=2, lease_seconds=60, default_number="+14155550111"
    )
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    a = await visit(session, live, tag, now=at(0))
    b = await visit(session, live, tag, now=at(1))

    third = await visit(session, live, tag, now=at(59))
    after_a_expired = await visit(session, live, tag, now=at(61))

    assert a.number_e164 != b.number_e164
    assert third.number_e164 == "+14155550111"
    assert after_a_expired.number_e164 == a.number_e164


async def test_renewals_extend_the_lease_up_to_its_maximum(
    session: AsyncSession, owner: LoggedIn, live: LiveState
) -> None:
    pool, _ = await pool_with_numbers(
        session, account_id=owner.account_id, size=2, lease_seconds=60, max_lease_seconds=120
    )
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    me = visitor_id()

    first = await visit(session, live, tag, visitor=me, now=at(0))
    renewed = await visit(session, live, tag, visitor=me, now=at(50))
    capped = await visit(session, live, tag, visitor=me, now=at(100))
    # While renewed, the number stays out of reach of others even past the first lease_seconds.
    other = await visit(session, live, tag, now=at(115))

    assert (first.expires_at, renewed.expires_at, capped.expires_at) == (at(60), at(110), at(120))
    assert other.number_e164 != first.number_e164


async def test_returning_visitor_gets_its_old_number_back_when_still_free(
    session: AsyncSession,
    owner: LoggedIn,
    live: LiveState,
) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=3, lease_seconds=60)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    me = visitor_id()
    await visit(session, live, tag, now=at(0))  # leases the least recent number first
    mine = await visit(session, live, tag, visitor=me, now=at(1))

    back = await visit(session, live, tag, visitor=me, now=at(500))

    assert back.number_e164 == mine.number_e164
    assert back.session_id != mine.session_id  # a new lease, a new session


async def test_exhausted_pool_shows_its_default_number_counts_it_and_upgrades_on_renewal(
    session: AsyncSession,
    owner: LoggedIn,
    live: LiveState,
) -> None:
    pool, (only,) = await pool_with_numbers(
        session, account_id=owner.account_id, size=1, lease_seconds=60, default_number="+14155550122"
    )
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    late = visitor_id()
    await visit(session, live, tag, now=at(0))

    overflowed = await visit(session, live, tag, visitor=late, now=at(10))
    still = await visit(session, live, tag, visitor=late, now=at(40))
    upgraded = await visit(session, live, tag, visitor=late, now=at(70))

    assert overflowed.number_e164 == still.number_e164 == "+14155550122"
    assert upgraded.number_e164 == only.number
    assert overflowed.session_id == upgraded.session_id
    row = await _session_row(session, upgraded.session_id)
    assert (row.overflow, row.leased_at, row.expires_at) == (False, at(70), at(130))
    assert await _overflows(session, pool.id) == 1


async def test_exhausted_pool_without_default_number_leaves_the_page_number(
    session: AsyncSession,
    owner: LoggedIn,
    live: LiveState,
) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=1)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    await visit(session, live, tag, now=at(0))

    response = await visit(session, live, tag, now=at(1))

    assert (response.number_e164, response.number_formatted) == (None, None)


async def test_reuse_oldest_shares_the_oldest_lease_flagged_ambiguous(
    session: AsyncSession,
    owner: LoggedIn,
    live: LiveState,
) -> None:
    pool, _ = await pool_with_numbers(
        session, account_id=owner.account_id, size=2, overflow_policy=OverflowPolicy.REUSE_OLDEST
    )
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    first = await visit(session, live, tag, now=at(0))
    second = await visit(session, live, tag, now=at(1))

    third = await visit(session, live, tag, now=at(2))
    fourth = await visit(session, live, tag, now=at(3))

    assert (third.number_e164, fourth.number_e164) == (first.number_e164, second.number_e164)
    for response in (third, fourth):
        row = await _session_row(session, response.session_id)
        assert (row.overflow, row.ambiguous) == (True, True)
    assert await _overflows(session, pool.id) == 2


async def test_number_taken_out_of_the_pool_is_no_longer_leased_and_an_added_one_is(
    session: AsyncSession, owner: LoggedIn, live: LiveState
) -> None:
    pool, (leaving,) = await pool_with_numbers(session, account_id=owner.account_id, size=1, lease_seconds=60)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    me = visitor_id()
    assert (await visit(session, live, tag, visitor=me, now=at(0))).number_e164 == leaving.number
    leaving.pool_id = None
    joining = await create_number(session, account_id=owner.account_id, pool_id=pool.id)

    # The same visitor comes back: its old number has left the pool, so it gets the new one.
    assert (await visit(session, live, tag, visitor=me, now=at(100))).number_e164 == joining.number


async def test_static_tag_shows_its_number_and_keeps_the_visit_as_one_session(
    session: AsyncSession,
    owner: LoggedIn,
    live: LiveState,
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    number = await create_number(session, account_id=owner.account_id, campaign_id=campaign.id)
    tag = await create_tag(
        session, account_id=owner.account_id, number=number, number_format=NumberFormat.DOTS
    )
    me = visitor_id()

    first = await visit(session, live, tag, visitor=me, now=at(0))
    second = await visit(session, live, tag, visitor=me, now=at(600))
    next_day = await visit(session, live, tag, visitor=me, now=at(86400))

    assert first.number_e164 == number.number
    digits = number.number[2:]
    assert first.number_formatted == f"{digits[:3]}.{digits[3:6]}.{digits[6:]}"
    assert first.renew_seconds == 0
    assert first.session_id == second.session_id != next_day.session_id
    assert second.expires_at == at(600 + 1800)


# ---- what the session records -------------------------------------------------------------------------


async def test_publisher_comes_from_the_url_by_name_or_id_else_from_the_tag(
    session: AsyncSession,
    owner: LoggedIn,
    live: LiveState,
) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=5)
    house = await create_publisher(session, account_id=owner.account_id, name="House")
    acme = await create_publisher(session, account_id=owner.account_id, name="Acme Media")
    await create_publisher(session, account_id=owner.account_id, name="Gone", status=PartyStatus.ARCHIVED)
    tag = await create_tag(
        session, account_id=owner.account_id, pool=pool, publisher_id=house.id, publisher_param="pub"
    )

    async def credited(params: dict[str, str]) -> uuid.UUID | None:
        response = await visit(session, live, tag, now=at(0), params=params)
        return (await _session_row(session, response.session_id)).publisher_id

    assert await credited({"pub": "acme media"}) == acme.id
    assert await credited({"pub": str(acme.id)}) == acme.id
    assert await credited({"pub": "nobody"}) == house.id
    assert await credited({"pub": "Gone"}) == house.id
    assert await credited({"publisher": "Acme Media"}) == house.id  # the tag names its parameter "pub"


async def test_a_page_view_with_a_source_is_a_new_touch_one_without_keeps_the_last(
    session: AsyncSession,
    owner: LoggedIn,
    live: LiveState,
) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=2, lease_seconds=60)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    me = visitor_id()

    landed = await visit(
        session, live, tag, visitor=me, now=at(0), params={"utm_source": "google", "gclid": "G1"}
    )
    await visit(session, live, tag, visitor=me, now=at(10), params={"page": "2"})
    browsing = await _session_row(session, landed.session_id)
    assert (browsing.utm_source, browsing.gclid, browsing.params) == (
        "google",
        "G1",
        {"utm_source": "google", "gclid": "G1", "page": "2"},
    )

    await visit(session, live, tag, visitor=me, now=at(20), params={"utm_source": "bing", "msclkid": "M1"})
    retouched = await _session_row(session, landed.session_id)
    assert (retouched.utm_source, retouched.gclid, retouched.params) == (
        "bing",
        None,
        {"utm_source": "bing", "msclkid": "M1"},
    )

    came_back = await visit(session, live, tag, visitor=me, now=at(1000))
    returning = await _session_row(session, came_back.session_id)
    assert came_back.session_id != landed.session_id
    assert (returning.utm_source, returning.params) == ("bing", {"utm_source": "bing", "msclkid": "M1"})


@pytest.mark.parametrize(
    ("number_format", "shown"),
    [
        (NumberFormat.PAGE, "(415) 555-0123"),
        (NumberFormat.NATIONAL, "(415) 555-0123"),
        (NumberFormat.DASHES, "415-555-0123"),
        (NumberFormat.DOTS, "415.555.0123"),
        (NumberFormat.E164, "+14155550123"),
        (NumberFormat.INTERNATIONAL, "+1 415-555-0123"),
    ],
)
def test_number_formats(number_format: NumberFormat, shown: str) -> None:
    assert format_number("+14155550123", number_format) == shown


def test_non_us_numbers_fall_back_to_their_national_format() -> None:
    assert format_number("+442071838750", NumberFormat.DASHES) == "020 7183 8750"


async def test_a_changed_or_deleted_tag_takes_effect_at_once(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient
) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=1)
    tag = (await owner.client.post("/api/tracking-tags", json={"name": "LP", "pool_id": str(pool.id)})).json()
    assert (await post_track(client, {"tag": tag["code"]})).json()["selectors"] == []

    changed = await owner.client.patch(f"/api/tracking-tags/{tag['id']}", json={"selectors": [".call"]})
    assert changed.status_code == 200
    assert (await post_track(client, {"tag": tag["code"]})).json()["selectors"] == [".call"]

    assert (await owner.client.delete(f"/api/tracking-tags/{tag['id']}")).status_code == 204
    assert (await post_track(client, {"tag": tag["code"]})).status_code == 404
