"""``/api/rtb/auctions``, bidder analytics and the call detail journey, after real calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.campaigns import Campaign
from tests.calls.factories import make_campaign, make_number, next_e164
from tests.factories import LoggedIn
from tests.rtb.conftest import Behaviour, BidderServer
from tests.rtb.factories import bidder_for

DEADLINE_MS = 200


async def _rtb_campaign(
    session: AsyncSession, owner: LoggedIn, server: BidderServer, *, prefix: str = ""
) -> tuple[Campaign, str]:
    campaign = await make_campaign(
        session, account_id=owner.account_id, rtb_enabled=True, auction_timeout_ms=DEADLINE_MS
    )
    number = await make_number(session, campaign=campaign)
    bidders: dict[str, Behaviour] = {
        "Low": Behaviour(body={"bidAmount": 20, "destination": next_e164()}),
        "High": Behaviour(body={"bidAmount": 30, "destination": next_e164()}, delay_ms=30),
        "Broken": Behaviour(body={}, status=503),
        "Asleep": Behaviour(hang=True),
    }
    for name, behaviour in bidders.items():
        await bidder_for(session, campaign=campaign, endpoint_url=server.add(behaviour), name=prefix + name)
    return campaign, number.number


async def _get(owner: LoggedIn, path: str, **params: Any) -> Any:
    response = await owner.client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_auction_of_a_call_lists_every_bid_best_first(
    session: AsyncSession, owner: LoggedIn, twilio, bidder_server: BidderServer
) -> None:
    _, number = await _rtb_campaign(session, owner, bidder_server)
    transcript = await twilio.call(to=number, from_="+12125550100")
    call_id = (await _get(owner, "/api/calls"))["items"][0]["id"]
    assert transcript.call_sid

    auctions = await _get(owner, "/api/rtb/auctions", call_id=call_id)
    assert auctions["total"] == 1
    detail = await _get(owner, f"/api/rtb/auctions/{auctions['items'][0]['id']}")

    assert [(b["bidder_name"], b["valid"], b["won"], b["reason"]) for b in detail["bids"]][:2] == [
        ("High", True, True, None),
        ("Low", True, False, None),
    ]
    assert {b["bidder_name"]: b["reason"] for b in detail["bids"][2:]} == {
        "Broken": "http_error",
        "Asleep": "timeout",
    }
    assert (detail["winning_amount"], detail["valid_bids"], detail["bidders"]) == ("30.0000", 2, 4)
    call = await _get(owner, f"/api/calls/{call_id}")
    assert call["auction_id"] == detail["id"] and call["winning_bid"] == "30.0000"
    journey = [(e["type"], e["reason"]) for e in call["journey"]]
    assert ("auction", None) in journey and ("bid", "timeout") in journey
    assert [e["type"] for e in call["journey"]].count("bid") == 4


async def test_auctions_filter_by_campaign_and_bidder(
    session: AsyncSession, owner: LoggedIn, twilio, bidder_server: BidderServer
) -> None:
    campaign, number = await _rtb_campaign(session, owner, bidder_server)
    other, other_number = await _rtb_campaign(session, owner, bidder_server, prefix="Other ")
    await twilio.call(to=number, from_="+12125550100")
    await twilio.call(to=other_number, from_="+12125550100")

    by_campaign = await _get(owner, "/api/rtb/auctions", campaign_id=str(campaign.id))
    assert [a["campaign_id"] for a in by_campaign["items"]] == [str(campaign.id)]
    bidder_id = by_campaign["items"][0]["winning_bidder_id"]
    by_bidder = await _get(owner, "/api/rtb/auctions", bidder_id=bidder_id)
    assert [a["id"] for a in by_bidder["items"]] == [by_campaign["items"][0]["id"]]
    assert (await _get(owner, "/api/rtb/auctions"))["total"] == 2
    assert other.id != campaign.id


async def test_bidder_analytics_count_pings_bids_wins_timeouts_and_errors(
    session: AsyncSession, owner: LoggedIn, twilio, bidder_server: BidderServer
) -> None:
    campaign, number = await _rtb_campaign(session, owner, bidder_server)
    for caller in ("+12125550101", "+12125550102"):
        await twilio.call(to=number, from_=caller)

    stats = {row["name"]: row for row in (await _get(owner, "/api/rtb/analytics"))["items"]}

    assert {
        name: (s["pings"], s["bids"], s["wins"], s["timeouts"], s["errors"]) for name, s in stats.items()
    } == {
        "Asleep": (2, 0, 0, 2, 0),
        "Broken": (2, 0, 0, 0, 2),
        "High": (2, 2, 2, 0, 0),
        "Low": (2, 2, 0, 0, 0),
    }
    assert (stats["High"]["win_rate"], stats["Low"]["win_rate"], stats["Asleep"]["win_rate"]) == (
        1.0,
        0.0,
        None,
    )
    assert (stats["High"]["average_bid"], stats["Low"]["average_bid"]) == ("30.0000", "20.0000")
    assert DEADLINE_MS <= stats["Asleep"]["p95_latency_ms"] < DEADLINE_MS + 50
    assert stats["High"]["p95_latency_ms"] >= 30
    assert stats["High"]["average_latency_ms"] >= 30

    one = await _get(owner, f"/api/rtb/bidders/{stats['High']['id']}/analytics")
    assert one == stats["High"]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    empty = await _get(owner, "/api/rtb/analytics", started_from=future)
    assert {row["pings"] for row in empty["items"]} == {0}
    other_campaign = await _get(
        owner, "/api/rtb/analytics", campaign_id="00000000-0000-0000-0000-000000000000"
    )
    assert {row["pings"] for row in other_campaign["items"]} == {0}
    assert campaign.rtb_enabled
