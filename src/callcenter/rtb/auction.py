"""The auction itself: every ping sent at once, each answer judged, the whole thing over by the deadline.

Rules:
- All pings leave together. Each has its own timeout (the bidder's ``timeout_ms``) and the auction a
  deadline (the campaign's ``auction_timeout_ms``, never more than ``MAX_AUCTION_MS``). At the deadline
  every ping still running is cancelled and recorded as ``timeout``: the auction ends on time whatever
  the bidders do (answer late, trickle bytes, hang with the connection open).
- The deadline counts from when the call arrived (``since``), not from when the auction got the CPU:
  the caller waits at most the auction timeout however busy the server is. An auction that starts late
  (the server was setting up other calls' auctions) gives its bidders that much less time: each ping's
  timeout is capped by the time left, and when none is left no ping is sent (``timeout``, not pinged).
- The auction ends before the deadline as soon as every ping has its answer.
- A ping's latency and the auction's duration count from ``since`` too, so that a bid is in time when
  its latency is under the deadline (what bidder analytics compare), and a ping cut at the deadline has
  the auction's duration as its latency.
- A ping that got no usable HTTP answer is ``timeout`` (its own timeout or the deadline), ``http_error``
  (refused address, connection failure, broken HTTP) or ``invalid_body`` (body over the size cap).
- The winner is the highest valid bid, ties to the faster bidder (``routing.plan.rank_bids``: the order
  the dial plan uses too).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from callcenter.kit.http import BodyTooLarge, HttpClient, OutboundError, Timeout
from callcenter.models.rtb import BidRejection
from callcenter.routing import BidSnapshot
from callcenter.rtb.requests import BidderConfig, BidRequest
from callcenter.rtb.responses import BidVerdict, judge, rejected, truncated_body

logger = logging.getLogger(__name__)

MAX_AUCTION_MS = 1000
"""The voice webhook answers within 1.5 s (at least: ``Settings.voice_deadline_ms``); an auction of at
most 1 s leaves the call's database work half a second."""

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Ping:
    bidder: BidderConfig
    request: BidRequest


@dataclass(frozen=True, slots=True, kw_only=True)
class PingResult:
    """One bidder's part in an auction. ``pinged`` is false when no request was sent (a capped bidder, a
    cached bid reused: ``cached``)."""

    bidder: BidderConfig
    bid_id: uuid.UUID
    verdict: BidVerdict
    pinged: bool = True
    cached: bool = False
    http_status: int | None = None
    latency_ms: float | None = None
    raw_body: str | None = None

    def snapshot(self) -> BidSnapshot:
        """The valid bid in the routing engine's terms."""
        verdict = self.verdict
        assert verdict.valid and verdict.amount is not None and verdict.destination is not None
        return BidSnapshot(
            bid_id=self.bid_id,
            bidder_id=self.bidder.id,
            amount=verdict.amount,
            destination=verdict.destination,
            latency_ms=self.latency_ms or 0.0,
            expires_at=verdict.expires_at,
            caps=self.bidder.caps,
            conversion_seconds=verdict.duration_seconds,
        )


async def send_ping(
    http: HttpClient, ping: Ping, *, timeout_s: float | None, clock: Clock, started: float | None = None
) -> PingResult:
    """Sends one ping and judges the answer; never raises for anything the bidder does. ``timeout_s``
    None: the ping has no deadline of its own, the caller cancels it (``run_pings``, at the auction's)."""
    started = time.perf_counter() if started is None else started
    request = ping.request
    try:
        response = await http.request(
            request.method,
            request.url,
            timeout_s=timeout_s,
            headers=request.headers,
            body=request.encoded_body(),
        )
    except Timeout as exc:
        return _answered(ping, started, rejected(BidRejection.TIMEOUT, str(exc)))
    except BodyTooLarge as exc:
        return _answered(ping, started, rejected(BidRejection.INVALID_BODY, str(exc)))
    except OutboundError as exc:
        return _answered(ping, started, rejected(BidRejection.HTTP_ERROR, str(exc)))
    except Exception as exc:  # one bidder must never break the auction of the others
        logger.exception("bidder ping failed", extra={"bidder_id": str(ping.bidder.id)})
        return _answered(ping, started, rejected(BidRejection.HTTP_ERROR, f"{type(exc).__name__}"))
    verdict = judge(ping.bidder, status=response.status, body=response.body, now=clock())
    return _answered(
        ping, started, verdict, http_status=response.status, raw_body=truncated_body(response.body)
    )


def _answered(
    ping: Ping,
    started: float,
    verdict: BidVerdict,
    *,
    http_status: int | None = None,
    raw_body: str | None = None,
) -> PingResult:
    return PingResult(
        bidder=ping.bidder,
        bid_id=uuid.uuid4(),
        verdict=verdict,
        http_status=http_status,
        raw_body=raw_body,
        latency_ms=(time.perf_counter() - started) * 1000,
    )


async def run_pings(
    http: HttpClient,
    pings: Sequence[Ping],
    *,
    deadline_ms: int,
    clock: Clock,
    since: float | None = None,
) -> tuple[list[PingResult], float]:
    """Every ping at once, over by ``deadline_ms`` after ``since`` (a ``time.perf_counter()`` reading:
    when the call arrived; now when not given). The results (in the order of ``pings``) and the
    auction's duration in ms from ``since`` (0 when there is nothing to send)."""
    if not pings:
        return [], 0.0
    started = time.perf_counter()
    since = started if since is None else min(since, started)
    deadline_at = since + min(deadline_ms, MAX_AUCTION_MS) / 1000
    left_s = deadline_at - started
    if left_s <= 0:
        detail = f"not pinged: the auction deadline ({deadline_ms} ms after the call arrived) had passed"
        results = [_timed_out(ping, detail, pinged=False, latency_ms=None) for ping in pings]
        return results, (time.perf_counter() - since) * 1000
    # One timer for the auction: a ping gets one of its own only when its bidder's timeout ends before the
    # auction does (a burst of calls sends a thousand pings at once; each timer is CPU spent before the
    # last of them can leave, and again when it is cancelled).
    loop = asyncio.get_running_loop()
    over: asyncio.Future[None] = loop.create_future()
    unanswered = len(pings)

    def answered(_: object) -> None:
        nonlocal unanswered
        unanswered -= 1
        if not unanswered:
            _end(over)

    tasks = []
    for ping in pings:
        own_s = ping.bidder.timeout_ms / 1000
        task = loop.create_task(
            send_ping(http, ping, timeout_s=own_s if own_s < left_s else None, clock=clock, started=since)
        )
        task.add_done_callback(answered)
        tasks.append(task)
    deadline = loop.call_later(deadline_at - time.perf_counter(), _end, over)
    try:
        await over
    finally:
        deadline.cancel()
        for task in tasks:
            # The pings still running (a no-op for the others), not awaited: the auction does not wait for
            # a bidder to hang up. Also when the auction itself is cancelled (its call is gone): a ping
            # without a timer of its own would run on.
            task.cancel()
    duration_ms = (time.perf_counter() - since) * 1000
    detail = f"no answer before the auction deadline ({deadline_ms} ms)"
    results = [
        task.result()
        if task.done() and not task.cancelled()
        else _timed_out(ping, detail, pinged=True, latency_ms=duration_ms)
        for ping, task in zip(pings, tasks, strict=True)
    ]
    return results, duration_ms


def _end(over: asyncio.Future[None]) -> None:
    if not over.done():
        over.set_result(None)


def _timed_out(ping: Ping, detail: str, *, pinged: bool, latency_ms: float | None) -> PingResult:
    return PingResult(
        bidder=ping.bidder,
        bid_id=uuid.uuid4(),
        verdict=rejected(BidRejection.TIMEOUT, detail),
        pinged=pinged,
        latency_ms=latency_ms,
    )
