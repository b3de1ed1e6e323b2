"""Auctions on real calls: signed Twilio webhooks in, real loopback bidders pinged, TwiML and records out."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.accounts import Account
from callcenter.models.calls import Call, CallEvent
from callcenter.models.rtb import Auction, Bid, Bidder
from tests.calls.factories import make_campaign, make_number, make_target, next_e164
from tests.rtb.conftest import Behaviour, BidderServer
from tests.rtb.factories import bidder_for
from tests.stalls import measured_without_stall

CALLER = "+12125550187"
DEADLINE_MS = 700
"""The deadline counts from the webhook's arrival: the webhook's own database work comes first, so the
slow-but-in-time bidder (150 ms) keeps a wide margin when a busy machine stalls (CI once lost it at 400)."""
SLACK_MS = 20


async def _call(session: AsyncSession, call_sid: str) -> Call:
    call = (await session.scalars(select(Call).where(Call.call_sid == call_sid))).one()
    await session.refresh(call)
    return call


async def _bids(session: AsyncSession, call: Call) -> dict[str, Bid]:
    """The call's bids by bidder name."""
    rows = await session.execute(
        select(Bidder.name, Bid)
        .join(Bid, Bid.bidder_id == Bidder.id)
        .join(Auction, Auction.id == Bid.auction_id)
        .where(Auction.call_id == call.id)
    )
    return {name: bid for name, bid in rows}


async def _journey(session: AsyncSession, call: Call) -> list[CallEvent]:
    return list(
        await session.scalars(select(CallEvent).where(CallEvent.call_id == call.id).order_by(CallEvent.seq))
    )


def _dialed(twiml: list[str]) -> list[str]:
    return [doc.split("<Number>")[1].split("</Number>")[0] for doc in twiml if "<Number>" in doc]


async def test_ten_bidders_pick_the_right_winner_store_every_reason_and_end_at_the_deadline(
    session: AsyncSession, account: Account, twilio, bidder_server: BidderServer
) -> None:
    campaign = await make_campaign(
        session, account_id=account.id, rtb_enabled=True, auction_timeout_ms=DEADLINE_MS
    )
    target = await make_target(session, campaign=campaign, revenue=Decimal("20"))
    number = await make_number(session, campaign=campaign)
    winner_line, nested_line, fast_line = next_e164(), next_e164(), next_e164()
    plain = {"min_bid": Decimal("5"), "max_bid": Decimal("100")}
    behaviours = {
        "fast": (Behaviour(body={"bidAmount": 40, "destination": fast_line}), {}),
        "slow in time": (
            Behaviour(body={"bidAmount": "55.00", "destination": winner_line}, delay_ms=150),
            {},
        ),
        "past the deadline": (
            Behaviour(body={"bidAmount": 99, "destination": next_e164()}, delay_ms=DEADLINE_MS + 300),
            {},
        ),
        "hanging": (Behaviour(hang=True), {}),
        "http 500": (Behaviour(body={"error": "boom"}, status=500), {}),
        "malformed json": (Behaviour(raw='{"bidAmount": 70, "destination": '), {}),
        "html": (Behaviour(raw="<html><body>Bad gateway</body></html>", content_type="text/html"), {}),
        "not accepted": (
            Behaviour(body={"accepted": False, "bidAmount": 80, "destination": next_e164()}),
            {"accepted_path": "accepted"},
        ),
        "below min": (Behaviour(body={"bidAmount": 3, "destination": next_e164()}), {}),
        "above max": (Behaviour(body={"bidAmount": 500, "destination": next_e164()}), {}),
        "no destination": (Behaviour(body={"bidAmount": 30}), {}),
        "nested": (
            Behaviour(body={"data": {"bid": {"amount": 45.5, "phone": nested_line, "id": "nx-1"}}}),
            {
                "bid_amount_path": "data.bid.amount",
                "destination_path": "$.data.bid.phone",
                "bid_id_path": "data.bid.id",
            },
        ),
    }
    for name, (behaviour, fields) in behaviours.items():
        url = bidder_server.add(behaviour)
        await bidder_for(session, campaign=campaign, endpoint_url=url, name=name, **{**plain, **fields})

    async def auction_call():  # type: ignore[no-untyped-def]
        # A caller of its own each time: a repeat caller would get the first call's cached bids.
        return await twilio.call(to=number.number, from_=next_e164(), outcomes=["answered"], duration=120)

    transcript = await measured_without_stall(auction_call, stall_ms=SLACK_MS)

    assert _dialed(transcript.twiml) == [winner_line]
    call = await _call(session, transcript.call_sid)
    bids = await _bids(session, call)
    assert {name: bid.reason for name, bid in bids.items()} == {
        "fast": None,
        "slow in time": None,
        "past the deadline": "timeout",
        "hanging": "timeout",
        "http 500": "http_error",
        "malformed json": "invalid_body",
        "html": "invalid_body",
        "not accepted": "not_accepted",
        "below min": "below_min",
        "above max": "above_max",
        "no destination": "no_destination",
        "nested": None,
    }
    assert [name for name, bid in bids.items() if bid.won] == ["slow in time"]
    assert (bids["nested"].amount, bids["nested"].destination) == (Decimal("45.5000"), nested_line)
    assert bids["nested"].external_bid_id == "nx-1"
    assert bids["http 500"].http_status == 500 and '"boom"' in (bids["http 500"].raw_body or "")
    assert bids["slow in time"].latency_ms is not None and bids["slow in time"].latency_ms >= 150
    auction = (await session.scalars(select(Auction).where(Auction.call_id == call.id))).one()
    assert DEADLINE_MS <= auction.duration_ms <= DEADLINE_MS + SLACK_MS
    assert (auction.bidders, auction.valid_bids, auction.winning_amount) == (12, 3, Decimal("55.0000"))
    assert (call.auction_id, call.winning_bid, call.revenue) == (auction.id, Decimal("55"), Decimal("55"))
    assert call.target_id is None and call.converted
    journey = await _journey(session, call)
    assert [e.type for e in journey].count("bid") == 12
    auction_event = next(e for e in journey if e.type == "auction")
    assert auction_event.detail["winning_amount"] == "55.0000"
    assert target.id not in {e.detail.get("target_id") for e in journey if e.type == "dial"}


async def test_unanswered_winner_falls_through_to_the_next_bid_then_a_static_target(
    session: AsyncSession, account: Account, twilio, bidder_server: BidderServer
) -> None:
    campaign = await make_campaign(
        session, account_id=account.id, rtb_enabled=True, auction_timeout_ms=300, max_attempts=3
    )
    target = await make_target(session, campaign=campaign, revenue=Decimal("20"))
    number = await make_number(session, campaign=campaign)
    first, second = next_e164(), next_e164()
    for amount, line in ((Decimal("60"), first), (Decimal("35"), second)):
        url = bidder_server.add(body={"bidAmount": str(amount), "destination": line})
        await bidder_for(session, campaign=campaign, endpoint_url=url)

    transcript = await twilio.call(
        to=number.number, from_=CALLER, outcomes=["no-answer", "busy", "answered"], duration=90
    )

    assert _dialed(transcript.twiml) == [first, second, target.destination]
    call = await _call(session, transcript.call_sid)
    assert (call.target_id, call.revenue, call.winning_bid) == (target.id, Decimal("20"), Decimal("60"))
    results = [
        (e.detail["attempt"], e.reason) for e in await _journey(session, call) if e.type == "dial_result"
    ]
    assert results == [(1, "no_answer"), (2, "busy"), (3, None)]


async def test_answered_second_bid_earns_that_bid(
    session: AsyncSession, account: Account, twilio, bidder_server: BidderServer
) -> None:
    campaign = await make_campaign(session, account_id=account.id, rtb_enabled=True, auction_timeout_ms=300)
    number = await make_number(session, campaign=campaign)
    first, second = next_e164(), next_e164()
    for amount, line in ((80, first), (42.25, second)):
        await bidder_for(
            session,
            campaign=campaign,
            endpoint_url=bidder_server.add(body={"bidAmount": amount, "destination": line}),
        )

    transcript = await twilio.call(to=number.number, from_=CALLER, outcomes=["no-answer", "answered"])

    call = await _call(session, transcript.call_sid)
    assert _dialed(transcript.twiml) == [first, second]
    assert (call.revenue, call.winning_bid, call.converted) == (Decimal("42.25"), Decimal("80"), True)


async def test_equal_bids_go_to_the_faster_bidder(
    session: AsyncSession, account: Account, twilio, bidder_server: BidderServer
) -> None:
    campaign = await make_campaign(session, account_id=account.id, rtb_enabled=True, auction_timeout_ms=400)
    number = await make_number(session, campaign=campaign)
    slow, fast = next_e164(), next_e164()
    await bidder_for(
        session,
        campaign=campaign,
        endpoint_url=bidder_server.add(body={"bidAmount": 30, "destination": slow}, delay_ms=120),
    )
    await bidder_for(
        session,
        campaign=campaign,
        endpoint_url=bidder_server.add(body={"bidAmount": 30, "destination": fast}),
    )

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert _dialed(transcript.twiml) == [fast]


async def test_bids_rank_before_static_targets_unless_revenue_decides(
    session: AsyncSession, account: Account, twilio, bidder_server: BidderServer
) -> None:
    line = next_e164()
    url = bidder_server.add(body={"bidAmount": 15, "destination": line})
    dialed_first = {}
    for strategy in ("priority", "highest_revenue"):
        campaign = await make_campaign(
            session,
            account_id=account.id,
            rtb_enabled=True,
            auction_timeout_ms=300,
            routing_strategy=strategy,
        )
        target = await make_target(session, campaign=campaign, revenue=Decimal("25"))
        number = await make_number(session, campaign=campaign)
        await bidder_for(session, campaign=campaign, endpoint_url=url)
        transcript = await twilio.call(to=number.number, from_=next_e164())
        dialed_first[strategy] = _dialed(transcript.twiml)[0]
        assert dialed_first[strategy] in (line, target.destination)
        if strategy == "highest_revenue":
            assert dialed_first[strategy] == target.destination
    assert dialed_first["priority"] == line


async def test_expired_bid_is_not_dialed_on_fall_through(
    session: AsyncSession, account: Account, twilio, bidder_server: BidderServer
) -> None:
    campaign = await make_campaign(session, account_id=account.id, rtb_enabled=True, auction_timeout_ms=300)
    target = await make_target(session, campaign=campaign)
    number = await make_number(session, campaign=campaign)
    first, short_lived = next_e164(), next_e164()
    await bidder_for(
        session,
        campaign=campaign,
        endpoint_url=bidder_server.add(body={"bidAmount": 50, "destination": first}),
    )
    await bidder_for(
        session,
        campaign=campaign,
        endpoint_url=bidder_server.add(body={"bidAmount": 40, "destination": short_lived, "ttl": 1}),
        expires_path="ttl",
    )

    voice = await twilio.post(
        "/api/webhooks/voice", {"CallSid": "CA" + "e" * 32, "From": CALLER, "To": number.number}
    )
    assert f"<Number>{first}</Number>" in voice.text
    call = await _call(session, "CA" + "e" * 32)
    await asyncio.sleep(1.1)
    result = await twilio.post(
        f"/api/webhooks/dial/{call.id}?attempt=1",
        {"CallSid": call.call_sid, "DialCallStatus": "no-answer", "From": CALLER, "To": number.number},
    )

    assert f"<Number>{target.destination}</Number>" in result.text
    rejected = [e for e in await _journey(session, call) if e.type == "target_rejected"]
    assert [e.reason for e in rejected] == ["bid_expired"]


async def test_repeat_call_reuses_the_unexpired_bid_without_pinging(
    session: AsyncSession, account: Account, twilio, bidder_server: BidderServer
) -> None:
    campaign = await make_campaign(session, account_id=account.id, rtb_enabled=True, auction_timeout_ms=300)
    number = await make_number(session, campaign=campaign)
    line = next_e164()
    url = bidder_server.add(body={"bidAmount": 33, "destination": line, "expiresIn": 120})
    await bidder_for(session, campaign=campaign, endpoint_url=url, expires_path="expiresIn")

    first = await twilio.call(to=number.number, from_=CALLER)
    second = await twilio.call(to=number.number, from_=CALLER)
    other_caller = await twilio.call(to=number.number, from_=next_e164())

    assert len(bidder_server.requests_to(url)) == 2  # the first call and the other caller
    assert _dialed(second.twiml) == [line]
    repeat = (await _bids(session, await _call(session, second.call_sid))).popitem()[1]
    assert (repeat.cached, repeat.pinged, repeat.valid, repeat.amount) == (True, False, True, Decimal("33"))
    for transcript in (first, other_caller):
        bid = (await _bids(session, await _call(session, transcript.call_sid))).popitem()[1]
        assert (bid.cached, bid.pinged) == (False, True)


async def test_capped_bidder_is_not_pinged(
    session: AsyncSession, account: Account, twilio, bidder_server: BidderServer
) -> None:
    campaign = await make_campaign(session, account_id=account.id, rtb_enabled=True, auction_timeout_ms=300)
    target = await make_target(session, campaign=campaign)
    number = await make_number(session, campaign=campaign)
    url = bidder_server.add(body={"bidAmount": 90, "destination": next_e164()})
    await bidder_for(session, campaign=campaign, endpoint_url=url, daily_cap=0)

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert bidder_server.requests_to(url) == []
    assert _dialed(transcript.twiml) == [target.destination]
    bid = (await _bids(session, await _call(session, transcript.call_sid))).popitem()[1]
    assert (bid.reason, bid.pinged) == ("capped", False)


async def test_bidder_concurrency_slot_is_held_while_its_bid_rings(
    session: AsyncSession, account: Account, twilio, bidder_server: BidderServer
) -> None:
    campaign = await make_campaign(session, account_id=account.id, rtb_enabled=True, auction_timeout_ms=300)
    target = await make_target(session, campaign=campaign)
    number = await make_number(session, campaign=campaign)
    line = next_e164()
    url = bidder_server.add(body={"bidAmount": 90, "destination": line})
    await bidder_for(session, campaign=campaign, endpoint_url=url, concurrency_cap=1)

    ringing = await twilio.post(
        "/api/webhooks/voice", {"CallSid": "CA" + "1" * 32, "From": CALLER, "To": number.number}
    )
    second = await twilio.call(to=number.number, from_=next_e164())

    assert f"<Number>{line}</Number>" in ringing.text
    assert _dialed(second.twiml) == [target.destination]
    assert len(bidder_server.requests_to(url)) == 1
    bid = (await _bids(session, await _call(session, second.call_sid))).popitem()[1]
    assert bid.reason == "capped"


async def test_campaign_without_rtb_pings_nobody(
    session: AsyncSession, account: Account, twilio, bidder_server: BidderServer
) -> None:
    campaign = await make_campaign(session, account_id=account.id, rtb_enabled=False)
    target = await make_target(session, campaign=campaign)
    number = await make_number(session, campaign=campaign)
    url = bidder_server.add(body={"bidAmount": 90, "destination": next_e164()})
    await bidder_for(session, campaign=campaign, endpoint_url=url)

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert _dialed(transcript.twiml) == [target.destination]
    assert bidder_server.requests_to(url) == []
    assert (await _call(session, transcript.call_sid)).auction_id is None


async def test_ping_carries_the_call_in_the_rendered_template(
    session: AsyncSession, account: Account, twilio, bidder_server: BidderServer
) -> None:
    campaign = await make_campaign(session, account_id=account.id, rtb_enabled=True, auction_timeout_ms=300)
    number = await make_number(session, campaign=campaign)
    url = bidder_server.add(body={"bidAmount": 10, "destination": next_e164()})
    await bidder_for(
        session,
        campaign=campaign,
        endpoint_url=url + "?caller={callerId}",
        headers={"Authorization": "Bearer secret-{campaignId}"},
        request_template=(
            '{"id": "{requestId}", "from": "{callerId}", "state": "{callerState}", "floor": {minBid}}'
        ),
        min_bid=Decimal("7.5"),
    )

    transcript = await twilio.call(to=number.number, from_=CALLER, caller_state="TX")

    (received,) = bidder_server.requests_to(url)
    call = await _call(session, transcript.call_sid)
    assert received.method == "POST" and received.query == {"caller": CALLER}
    assert received.headers["Authorization"] == f"Bearer secret-{campaign.id}"
    assert received.headers["Content-Type"] == "application/json"
    assert json.loads(received.body) == {
        "id": str(call.auction_id),
        "from": CALLER,
        "state": "TX",
        "floor": 7.5,
    }
