"""``POST /api/rtb/bidders/{id}/test``: the rendered request, the raw answer and the verdict."""

from __future__ import annotations

import json
from typing import Any

from tests.factories import LoggedIn
from tests.rtb.conftest import Behaviour, BidderServer


async def _bidder(owner: LoggedIn, url: str, **fields: Any) -> str:
    response = await owner.client.post(
        "/api/rtb/bidders", json={"name": "Tested", "endpoint_url": url, **fields}
    )
    assert response.status_code == 201, response.text
    bidder_id: str = response.json()["id"]
    return bidder_id


async def test_ping_shows_the_request_the_raw_answer_and_the_parsed_bid(
    owner: LoggedIn, bidder_server: BidderServer
) -> None:
    url = bidder_server.add(body={"data": {"bid": {"amount": 18.75, "phone": "4155550144", "ttl": 60}}})
    bidder_id = await _bidder(
        owner,
        url + "?zip={callerZip}",
        request_template='{"caller": "{callerId}", "state": "{callerState}", "floor": "{minBid}"}',
        headers={"X-Api-Key": "k-{callerState}"},
        bid_amount_path="data.bid.amount",
        destination_path="data.bid.phone",
        expires_path="data.bid.ttl",
        min_bid="3",
    )

    response = await owner.client.post(
        f"/api/rtb/bidders/{bidder_id}/test", json={"caller_id": "(212) 555-0199", "caller_state": "tx"}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["request"]["method"] == "POST"
    assert body["request"]["url"] == url + "?zip=90210"
    assert body["request"]["headers"] == {"X-Api-Key": "k-TX", "Content-Type": "application/json"}
    assert json.loads(body["request"]["body"]) == {"caller": "+12125550199", "state": "TX", "floor": "3.00"}
    assert body["response"]["status"] == 200 and '"amount": 18.75' in body["response"]["body"]
    result = body["result"]
    assert (result["valid"], result["reason"], result["amount"], result["destination"]) == (
        True,
        None,
        "18.7500",
        "+14155550144",
    )
    assert result["expires_at"] is not None
    (received,) = bidder_server.requests_to(url)
    assert json.loads(received.body)["caller"] == "+12125550199"


async def test_failing_bidder_shows_why(owner: LoggedIn, bidder_server: BidderServer) -> None:
    url = bidder_server.add(Behaviour(raw="<html>oops</html>", content_type="text/html", status=200))
    bidder_id = await _bidder(owner, url)

    body = (await owner.client.post(f"/api/rtb/bidders/{bidder_id}/test")).json()

    assert (body["result"]["valid"], body["result"]["reason"]) == (False, "invalid_body")
    assert body["response"]["body"] == "<html>oops</html>"


async def test_slow_bidder_times_out_at_its_own_timeout(owner: LoggedIn, bidder_server: BidderServer) -> None:
    bidder_id = await _bidder(owner, bidder_server.add(hang=True), timeout_ms=100)

    body = (await owner.client.post(f"/api/rtb/bidders/{bidder_id}/test")).json()

    assert (body["result"]["reason"], body["response"]["status"]) == ("timeout", None)
    assert 100 <= body["response"]["latency_ms"] < 200


async def test_campaign_floor_applies_to_the_test_ping(owner: LoggedIn, bidder_server: BidderServer) -> None:
    url = bidder_server.add(body={"bidAmount": 9, "destination": "+14155550145"})
    bidder_id = await _bidder(owner, url)
    campaign = (await owner.client.post("/api/campaigns", json={"name": "Floor"})).json()["id"]
    await owner.client.post(
        f"/api/campaigns/{campaign}/bidders", json={"bidder_id": bidder_id, "min_bid": "10"}
    )

    body = (
        await owner.client.post(f"/api/rtb/bidders/{bidder_id}/test", json={"campaign_id": campaign})
    ).json()

    assert body["result"]["reason"] == "below_min"
    unknown = await owner.client.post(
        f"/api/rtb/bidders/{bidder_id}/test", json={"campaign_id": "00000000-0000-0000-0000-000000000009"}
    )
    assert unknown.status_code == 422
    assert [d["field"] for d in unknown.json()["error"]["details"]] == ["campaign_id"]
