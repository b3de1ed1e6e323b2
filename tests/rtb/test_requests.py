"""Rendering a ping: tokens substituted and encoded for where they land."""

from __future__ import annotations

import json
import uuid
from dataclasses import fields, replace
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import parse_qs

from callcenter.kit.templating import tokens_in
from callcenter.rtb.requests import TOKENS, BidderConfig, CallFacts, default_template, render_request
from tests.rtb.test_responses import bidder

NOW = datetime(2026, 11, 21, 15, 0, 30, tzinfo=UTC)
FACTS = CallFacts(
    request_id=uuid.UUID(int=7),
    caller_id="+12125550123",
    caller_state="NY",
    caller_zip="10001",
    campaign_id=uuid.UUID(int=9),
    call_started_at=datetime(2026, 11, 21, 15, 0, 0, tzinfo=UTC),
)


def test_every_token_is_substituted_in_a_json_body() -> None:
    template = json.dumps({token: f"{{{token}}}" for token in TOKENS})
    request = render_request(bidder(request_template=template, max_bid=None), FACTS, NOW)
    assert json.loads(request.body or "") == {
        "requestId": str(uuid.UUID(int=7)),
        "callerId": "+12125550123",
        "callerState": "NY",
        "callerZip": "10001",
        "campaignId": str(uuid.UUID(int=9)),
        "minBid": "5.00",
        "maxBid": "",
        "currency": "USD",
        "timestamp": str(int(NOW.timestamp())),
        "isoTimestamp": "2026-11-21T15:00:30.000+00:00",
        "callStartTime": "2026-11-21T15:00:00+00:00",
    }
    assert (request.method, request.headers["Content-Type"]) == ("POST", "application/json")


def test_values_are_escaped_for_json_and_url_encoded_for_urls_and_forms() -> None:
    odd = replace(FACTS, caller_id='+1 "odd" & caller')
    json_request = render_request(
        bidder(endpoint_url="https://b.example.com/p?c={callerId}", request_template='{"c": "{callerId}"}'),
        odd,
        NOW,
    )
    assert json.loads(json_request.body or "") == {"c": '+1 "odd" & caller'}
    assert json_request.url == "https://b.example.com/p?c=%2B1%20%22odd%22%20%26%20caller"
    form = render_request(bidder(content_type="application/x-www-form-urlencoded"), odd, NOW)
    assert parse_qs(form.body or "")["callerId"] == ['+1 "odd" & caller']
    xml = render_request(
        bidder(content_type="text/xml", request_template="<ping from='{callerId}'/>"), odd, NOW
    )
    assert xml.body == "<ping from='+1 &quot;odd&quot; &amp; caller'/>"


def test_default_bodies_carry_the_call_and_are_valid() -> None:
    body = render_request(bidder(), FACTS, NOW).body or ""
    assert json.loads(body)["callerId"] == "+12125550123"
    assert tokens_in(default_template("application/x-www-form-urlencoded")) == set(TOKENS)


def test_get_sends_no_body_and_headers_get_tokens() -> None:
    request = render_request(
        bidder(method="get", headers={"X-Caller": "{callerId}", "content-type": "text/plain"}), FACTS, NOW
    )
    assert (request.method, request.body) == ("GET", None)
    assert request.headers == {"X-Caller": "+12125550123", "content-type": "text/plain"}


def test_the_floor_is_the_higher_of_the_bidder_minimum_and_the_campaign_floor() -> None:
    base = {f.name: getattr(bidder(), f.name) for f in fields(BidderConfig) if f.name != "caps"}
    row = SimpleNamespace(**base, concurrency_cap=None, hourly_cap=None, daily_cap=None, monthly_cap=3)
    assert BidderConfig.of(row, floor=Decimal("8")).min_bid == Decimal("8")
    assert BidderConfig.of(row, floor=Decimal("2")).min_bid == Decimal("5")
    assert BidderConfig.of(row).min_bid == Decimal("5")
    assert BidderConfig.of(row).caps.monthly == 3
