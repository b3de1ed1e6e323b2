"""The shared outbound client against a real loopback server: deadlines, body cap, SSRF guard, redirects."""

from __future__ import annotations

import time

import pytest

from callcenter.kit.http import BodyTooLarge, OutboundHttp, Refused, Timeout
from tests.rtb.conftest import BidderServer


@pytest.fixture
async def http():  # type: ignore[no-untyped-def]
    client = OutboundHttp(allow_private=True, max_body_bytes=1024)
    yield client
    await client.close()


@pytest.fixture
async def public_only():  # type: ignore[no-untyped-def]
    client = OutboundHttp(allow_private=False)
    yield client
    await client.close()


async def test_answer_is_read_with_status_headers_and_body(
    http: OutboundHttp, bidder_server: BidderServer
) -> None:
    url = bidder_server.add(body={"bid": 1}, status=201, headers={"X-Bidder": "yes"})
    response = await http.request("POST", url, timeout_s=2, body=b"{}", headers={"X-Key": "k"})
    assert (response.status, response.headers["x-bidder"], response.body) == (201, "yes", b'{"bid": 1}')
    assert response.content_type == "application/json"
    assert bidder_server.requests_to(url)[0].headers["X-Key"] == "k"


async def test_hanging_server_hits_the_deadline_on_time(
    http: OutboundHttp, bidder_server: BidderServer
) -> None:
    url = bidder_server.add(hang=True)
    started = time.perf_counter()
    with pytest.raises(Timeout):
        await http.request("GET", url, timeout_s=0.15)
    # The deadline applies (the server never answers); how closely is the auction tests' concern
    # (tests/rtb/test_auction_engine.py, +20 ms), so a busy machine's stall does not fail this one.
    assert 0.15 <= time.perf_counter() - started < 0.25


async def test_body_over_the_cap_is_refused(http: OutboundHttp, bidder_server: BidderServer) -> None:
    url = bidder_server.add(raw="x" * 5000, content_type="text/plain")
    with pytest.raises(BodyTooLarge):
        await http.request("GET", url, timeout_s=2)
    small = await http.request("GET", url, timeout_s=2, max_body_bytes=10_000)
    assert len(small.body) == 5000


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/x", "http://localhost:9/x", "http://169.254.169.254/latest", "http://[::1]:9/"],
)
async def test_private_destinations_are_refused_unless_allowed(public_only: OutboundHttp, url: str) -> None:
    with pytest.raises(Refused):
        await public_only.request("GET", url, timeout_s=2)


async def test_redirects_are_not_followed_unless_asked(
    http: OutboundHttp, bidder_server: BidderServer
) -> None:
    target = bidder_server.add(body={"landed": True})
    hop = bidder_server.add(raw="", status=302, headers={"Location": target})
    response = await http.request("GET", hop, timeout_s=2)
    assert (response.status, bidder_server.requests_to(target)) == (302, [])
    followed = await http.request("GET", hop, timeout_s=2, max_redirects=1)
    assert (followed.status, followed.url) == (200, target)


async def test_every_redirect_hop_passes_the_destination_check(
    http: OutboundHttp, bidder_server: BidderServer
) -> None:
    hop = bidder_server.add(raw="", status=307, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(Refused):
        await http.request("GET", hop, timeout_s=2, max_redirects=3)


async def test_cookies_from_one_party_never_reach_another(
    http: OutboundHttp, bidder_server: BidderServer
) -> None:
    setter = bidder_server.add(body={}, headers={"Set-Cookie": "session=abc; Path=/"})
    other = bidder_server.add(body={})
    await http.request("GET", setter, timeout_s=2)
    await http.request("GET", other, timeout_s=2)
    assert "Cookie" not in bidder_server.requests_to(other)[0].headers
