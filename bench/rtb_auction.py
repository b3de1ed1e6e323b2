"""RTB auction fan-out: the product's auction engine against 20 loopback bidders, with three clients in the
same run: the lean HTTP/1.1 client the product pings with (``kit/lean_http.py``), the aiohttp one it uses
for pixels and webhooks (``kit/http.py``), and an httpx one.

Setup: a second process serves the bidders on 127.0.0.1 (a lean asyncio HTTP/1.1 server on uvloop, so
that its own CPU stays small next to the client's): 18 answer after 5 ms to 550 ms, one after 900 ms and
one after 30 s. The auction deadline is 600 ms. This process runs ``callcenter.rtb.auction.run_pings``
(rendering, pings, deadline, judging each answer) on uvloop, with the product's pool size (2,048) for
every client and the server's garbage-collector tuning (``kit/runtime.py``).

Cases, each with a fresh client whose pool is warmed by one burst first:
- ``burst``: 50 auctions start at the same instant (1,000 pings in flight), 5 times.
- ``open loop, 2 late``: auctions start on a fixed schedule, 50 / 0.6 s = 83 per second, so that 50
  auctions run at any time, for ``--seconds``.
- ``open loop, all in time``: the same with only the 18 in-time bidders: the auction ends with the
  slowest one (550 ms) instead of at the deadline.

An auction's scheduled start is when its call arrived, and its deadline is anchored there (``run_pings``'s
``since``, as the product anchors it at the webhook's arrival): an auction set up late, behind the others
of a burst, still ends 600 ms after its scheduled start, its bidders having that much less time.
Overhead = when the auction ended, measured from its scheduled start (event-loop queueing counts), minus
when it should have ended: the deadline when a bidder is late, else the slowest bidder's delay. ``start
ms`` (p99) is the part of the time before the auction's pings could leave: waiting for the event loop
and rendering the pings, which in a burst is the time taken to set up the auctions ahead of it. ``lost``
counts in-time bids that missed the auction (their answer came after the deadline, because their ping
left late); it is counted once a burst's auctions have all ended (an auction's results are kept until
then, as the product keeps them to store the bids), so that the bench's own bookkeeping never runs
between two auctions ending at the same instant. Pool occupancy is sampled every 10 ms (``conns`` at the peak,
``waits``: requests queued for a connection at the peak; ``pool to``: requests whose deadline passed
waiting for one). Baseline in the same run: one ping at a time to the 5 ms bidder (the loopback and
bidder-server floor). A case still running after 20 s is stopped (reported as fell behind), and so is a
warm-up burst. The lean client runs first and last, so that drift in the machine's load shows.

Targets: overhead p99 under 10 ms, no pool waits or timeouts, nothing lost; keep the fastest client.

Usage: .venv/bin/python -m bench.rtb_auction [--seconds 6] [--clients lean,aiohttp,httpx,lean]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import aiohttp
import httpx
import uvloop

from callcenter.kit.http import (
    DEFAULT_MAX_CONNECTIONS,
    BodyTooLarge,
    ConnectionFailed,
    HttpClient,
    HttpResponse,
    OutboundHttp,
    Timeout,
)
from callcenter.kit.lean_http import LeanHttp
from callcenter.kit.runtime import tune_garbage_collector
from callcenter.rtb.auction import Ping, PingResult, run_pings
from callcenter.rtb.requests import BidderConfig, CallFacts, render_request

DEADLINE_MS = 600
IN_TIME_DELAYS_MS = (5, 10, 20, 30, 45, 60, 80, 100, 125, 150, 200, 250, 300, 350, 400, 450, 500, 550)
LATE_DELAYS_MS = (900, 30_000)
CONCURRENT = 50
POOL_SIZE = DEFAULT_MAX_CONNECTIONS
CASE_LIMIT_S = 20.0


# --- the bidder farm (second process) ---------------------------------------------------------------

_ANSWER = b'{"bidAmount": 12.5, "destination": "+14155550100", "accepted": true}'
_RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(_ANSWER)
) + _ANSWER


class _BidderProtocol(asyncio.Protocol):
    """A minimal HTTP/1.1 keep-alive server: ``POST /bid/<delay ms>`` answers the same bid after the delay.

    Deliberately lean (no framework) so that the farm's own CPU cost stays small next to the client's,
    which is what the bench measures on a machine whose two cores both processes share.
    """

    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.WriteTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's TCP transport writes

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buffer) < head_end + 4 + length:
                return
            self.buffer = self.buffer[head_end + 4 + length :]
            delay_ms = int(head.split(" ", 2)[1].rsplit("/", 1)[-1])
            asyncio.get_running_loop().call_later(delay_ms / 1000, self._answer)

    def _answer(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_RESPONSE)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


def serve_bidders(port: int) -> None:
    async def serve() -> None:
        server = await asyncio.get_running_loop().create_server(
            _BidderProtocol, "127.0.0.1", port, backlog=4096
        )
        async with server:
            await server.serve_forever()

    uvloop.run(serve())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_farm(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bench.rtb_auction", "--serve", str(port)])


async def wait_ready(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.post(f"{base}/bid/0") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("bidder farm did not start")


# --- the two clients -----------------------------------------------------------------------------------


@dataclass
class PoolStats:
    """Connections in use at the peak, requests queued for a connection at the peak, pool timeouts."""

    peak_in_use: int = 0
    waits: int = 0
    pool_timeouts: int = 0


class HttpxClient:
    """The same contract as ``OutboundHttp`` (deadline, body cap, error kinds) on httpx, pool of the same
    size, for the comparison. (No SSRF resolver hook: the bench only talks to loopback.)"""

    def __init__(self, stats: PoolStats, *, max_body_bytes: int = 64 * 1024) -> None:
        self.stats = stats
        self.max_body_bytes = max_body_bytes
        self.client = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE),
            timeout=httpx.Timeout(30.0),
            follow_redirects=False,
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        timeout_s: float | None,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        max_redirects: int = 0,
        max_body_bytes: int | None = None,
    ) -> HttpResponse:
        started = time.perf_counter()
        cap = max_body_bytes or self.max_body_bytes
        try:
            async with asyncio.timeout(timeout_s):
                request = self.client.build_request(method, url, headers=headers, content=body)
                response = await self.client.send(request, stream=True)
                try:
                    chunks, size = [], 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > cap:
                            raise BodyTooLarge("body over the cap")
                        chunks.append(chunk)
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            raise Timeout("deadline") from exc
        except httpx.PoolTimeout as exc:
            self.stats.pool_timeouts += 1
            raise Timeout("pool timeout") from exc
        except httpx.HTTPError as exc:
            raise ConnectionFailed(str(exc)) from exc
        return HttpResponse(
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            body=b"".join(chunks),
            url=str(response.url),
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    async def close(self) -> None:
        await self.client.aclose()


def aiohttp_client(_: PoolStats) -> OutboundHttp:
    return OutboundHttp(allow_private=True, max_connections=POOL_SIZE)


def lean_client(_: PoolStats) -> LeanHttp:
    return LeanHttp(allow_private=True, max_connections=POOL_SIZE)


class Sampler:
    """Reads the pool's occupancy from the client's internals every 10 ms (bench only: tracing hooks
    would add their own cost to every request of the client being measured)."""

    def __init__(self, client: HttpClient, stats: PoolStats) -> None:
        self.client, self.stats = client, stats

    def sample(self) -> None:
        if isinstance(self.client, LeanHttp):
            now = self.client.stats()
            in_use, waiting = now.in_use, now.waiting
            self.stats.pool_timeouts = now.pool_timeouts
        elif isinstance(self.client, OutboundHttp):
            session = self.client._session
            connector: Any = session.connector if session is not None else None
            in_use = len(connector._acquired) if connector is not None else 0
            waiting = sum(len(w) for w in connector._waiters.values()) if connector is not None else 0
        else:
            assert isinstance(self.client, HttpxClient)
            pool: Any = self.client.client._transport._pool  # type: ignore[attr-defined]
            in_use = sum(1 for c in pool.connections if not c.is_idle())
            waiting = max(0, len(pool._requests) - in_use)
        self.stats.peak_in_use = max(self.stats.peak_in_use, in_use)
        self.stats.waits = max(self.stats.waits, waiting)

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(0.01)


# --- the auctions ------------------------------------------------------------------------------------


def bidders(base: str, delays: tuple[int, ...]) -> list[BidderConfig]:
    return [
        BidderConfig(
            id=uuid.uuid4(),
            name=f"bidder {delay} ms",
            endpoint_url=f"{base}/bid/{delay}",
            method="post",
            content_type="application/json",
            headers={"Authorization": "Bearer bench"},
            request_template="",
            timeout_ms=2000,
            bid_amount_path="bidAmount",
            destination_path="destination",
            accepted_path="accepted",
            currency_path=None,
            duration_path=None,
            bid_id_path=None,
            expires_path=None,
            min_bid=Decimal(1),
            max_bid=None,
            currency="USD",
        )
        for delay in delays
    ]


@dataclass
class CaseResult:
    name: str
    overheads_ms: list[float] = field(default_factory=list)
    start_delays_ms: list[float] = field(default_factory=list)
    auctions: int = 0
    lost_in_time: int = 0
    outcomes: list[list[PingResult]] = field(default_factory=list)
    cpu_s: float = 0.0
    finished: bool = True

    def settle(self) -> None:
        """Counts the in-time bids lost by the auctions ended since the last call, and lets them go."""
        self.lost_in_time += sum(_lost(r) for results in self.outcomes for r in results)
        self.outcomes.clear()

    def q(self, quantile: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.overheads_ms if values is None else values)
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] if ordered else float("nan")

    def row(self, stats: PoolStats) -> str:
        mean = statistics.fmean(self.overheads_ms) if self.overheads_ms else float("nan")
        worst = max(self.overheads_ms, default=float("nan"))
        return (
            f"{self.name:<24} {self.auctions:>8} {self.q(0.5):>8.2f} {self.q(0.99):>8.2f} {mean:>8.2f} "
            f"{worst:>8.2f} {self.lost_in_time:>6} {stats.peak_in_use:>6} {stats.waits:>6} "
            f"{stats.pool_timeouts:>7} {self.q(0.99, self.start_delays_ms):>8.2f} {self.cpu_s:>7.2f}"
            f"{'' if self.finished else '  stopped: fell behind'}"
        )


HEADER = (
    f"{'client':<12} {'case':<24} {'auctions':>8} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'max ms':>8} "
    f"{'lost':>6} {'conns':>6} {'waits':>6} {'pool to':>7} {'start ms':>8} {'cpu s':>7}"
)


def facts() -> CallFacts:
    return CallFacts(
        request_id=uuid.uuid4(),
        caller_id="+12125550123",
        caller_state="CA",
        caller_zip="90210",
        campaign_id=uuid.uuid4(),
        call_started_at=datetime.now(UTC),
    )


def clock() -> datetime:
    return datetime.now(UTC)


def _lost(result: PingResult) -> bool:
    delay = int(result.bidder.endpoint_url.rsplit("/", 1)[-1])
    return delay in IN_TIME_DELAYS_MS and not result.verdict.valid


async def one_auction(
    http: HttpClient, configs: list[BidderConfig], scheduled: float, expected_ms: float, result: CaseResult
) -> None:
    now = clock()
    call = facts()
    pings = [Ping(c, render_request(c, call, now)) for c in configs]
    result.start_delays_ms.append((time.perf_counter() - scheduled) * 1000)
    results, _ = await run_pings(http, pings, deadline_ms=DEADLINE_MS, clock=clock, since=scheduled)
    result.overheads_ms.append((time.perf_counter() - scheduled) * 1000 - expected_ms)
    result.auctions += 1
    # Counted by ``settle`` after the auction or, in a burst, after the round, and kept alive until then
    # (the product keeps them to store the bids): the bench's own bookkeeping, and freeing an auction's
    # objects, must not delay the auctions ending at the same instant.
    result.outcomes.append(results)


async def burst(
    http: HttpClient, configs: list[BidderConfig], expected_ms: float, result: CaseResult, rounds: int
) -> None:
    """``CONCURRENT`` auctions started at the same instant, ``rounds`` times."""
    for _ in range(rounds):
        scheduled = time.perf_counter()
        await asyncio.gather(
            *(one_auction(http, configs, scheduled, expected_ms, result) for _ in range(CONCURRENT))
        )
        result.settle()
        await asyncio.sleep(0.2)


async def open_loop(
    http: HttpClient, configs: list[BidderConfig], expected_ms: float, seconds: float, result: CaseResult
) -> None:
    """Auctions started on a fixed schedule so that ``CONCURRENT`` run at once on average."""
    rate = CONCURRENT / (DEADLINE_MS / 1000)
    start = time.perf_counter()

    async def scheduled(i: int) -> None:
        at = start + i / rate
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await one_auction(http, configs, at, expected_ms, result)
        result.settle()  # auctions end one at a time here: kept, they would only load the collector

    await asyncio.gather(*(scheduled(i) for i in range(int(rate * seconds))))


async def baseline(http: HttpClient, base: str, result: CaseResult, count: int = 200) -> None:
    """One ping at a time to the 5 ms bidder: latency minus its 5 ms."""
    (config,) = bidders(base, (5,))
    for _ in range(count):
        request = render_request(config, facts(), clock())
        started = time.perf_counter()
        await http.request(
            request.method, request.url, timeout_s=2, headers=request.headers, body=request.encoded_body()
        )
        result.overheads_ms.append((time.perf_counter() - started) * 1000 - 5)
        result.auctions += 1


async def _stop_stragglers() -> None:
    """Cancels the pings a stopped case left running, so that they do not load the next case."""
    current = asyncio.current_task()
    stragglers = [task for task in asyncio.all_tasks() if task is not current]
    for task in stragglers:
        task.cancel()
    await asyncio.gather(*stragglers, return_exceptions=True)


ClientFactory = Callable[[PoolStats], HttpClient]
Row = tuple[str, CaseResult, PoolStats]


async def run_client(label: str, make: ClientFactory, base: str, seconds: float) -> list[Row]:
    rows: list[Row] = []
    mixed = bidders(base, IN_TIME_DELAYS_MS + LATE_DELAYS_MS)
    in_time = bidders(base, IN_TIME_DELAYS_MS)
    slowest = max(IN_TIME_DELAYS_MS)

    async def measured(name: str, case: Callable[[HttpClient, CaseResult], Awaitable[None]]) -> None:
        stats = PoolStats()
        client = make(stats)
        result = CaseResult(name)
        try:
            warm = burst(client, in_time, slowest, CaseResult("warm-up"), 1)
            await asyncio.wait_for(warm, CASE_LIMIT_S)
            sampler = asyncio.create_task(Sampler(client, stats).run())
            cpu = time.process_time()
            try:
                await asyncio.wait_for(case(client, result), CASE_LIMIT_S)
            except TimeoutError:
                result.finished = False
            result.cpu_s = time.process_time() - cpu
            sampler.cancel()
            Sampler(client, stats).sample()
            rows.append((label, result, stats))
            print(f"{label:<12} {result.row(stats)}", flush=True)
        except TimeoutError:
            print(
                f"{label:<12} {name:<24} warm-up burst not done in {CASE_LIMIT_S:.0f} s: skipped", flush=True
            )
        finally:
            await _stop_stragglers()
            await asyncio.wait_for(client.close(), 10)  # type: ignore[attr-defined]

    await measured("baseline: 1 ping, 5 ms", lambda c, r: baseline(c, base, r))
    await measured("burst 50 x 20, 2 late", lambda c, r: burst(c, mixed, DEADLINE_MS, r, 5))
    burst_result = rows[-1][1] if rows and rows[-1][1].name.startswith("burst") else None
    if (
        burst_result is None
        or burst_result.lost_in_time > burst_result.auctions * len(IN_TIME_DELAYS_MS) // 2
    ):
        # A client that loses most in-time bids when 1,000 pings leave together cannot keep up with a
        # sustained 1,660 pings/s either; the open loop would only pin the CPU for the cases after it.
        print(f"{label:<12} open loop cases skipped: the burst already lost most in-time bids", flush=True)
        return rows
    await measured("open loop, 2 late", lambda c, r: open_loop(c, mixed, DEADLINE_MS, seconds, r))
    await measured("open loop, all in time", lambda c, r: open_loop(c, in_time, slowest, seconds, r))
    return rows


CLIENTS: dict[str, ClientFactory] = {"lean": lean_client, "aiohttp": aiohttp_client, "httpx": HttpxClient}


async def run(seconds: float, names: list[str]) -> list[Row]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    farm = start_farm(port)
    try:
        await wait_ready(base)
        print(
            f"auction deadline {DEADLINE_MS} ms, 20 bidders ({len(IN_TIME_DELAYS_MS)} in time, 5-550 ms), "
            f"{CONCURRENT} concurrent auctions, pool {POOL_SIZE}; overhead = end - expected end"
        )
        print(HEADER, flush=True)
        rows: list[Row] = []
        for i, name in enumerate(names):
            label = f"{name} #{names[:i].count(name) + 1}" if names.count(name) > 1 else name
            rows += await run_client(label, CLIENTS[name], base, seconds)
        return rows
    finally:
        farm.terminate()
        farm.wait(timeout=20)


def report(rows: list[Row]) -> None:
    """Compares the clients on the cases both ran: overhead p50/p99, in-time bids lost, CPU per ping."""
    by_case: dict[str, dict[str, list[CaseResult]]] = {}
    for label, case, _ in rows:
        by_case.setdefault(case.name, {}).setdefault(label.split()[0], []).append(case)
    wins: dict[str, int] = {}
    for name, clients in by_case.items():
        if name.startswith("baseline") or len(clients) < 2:
            continue
        summary = []
        for client, cases in clients.items():
            merged = CaseResult(
                name,
                [x for c in cases for x in c.overheads_ms],
                [x for c in cases for x in c.start_delays_ms],
            )
            pings = sum(c.auctions for c in cases) * 20
            cpu_us = sum(c.cpu_s for c in cases) / pings * 1e6 if pings else float("nan")
            lost = sum(c.lost_in_time for c in cases)
            start = merged.q(0.99, merged.start_delays_ms)
            summary.append((merged.q(0.99), client, merged.q(0.5), start, lost, cpu_us))
        summary.sort()
        wins[summary[0][1]] = wins.get(summary[0][1], 0) + 1
        print(
            f"{name}: "
            + "; ".join(
                f"{client} p50 {p50:.1f} ms, p99 {p99:.1f} ms (start p99 {start:.1f} ms), lost {lost}, "
                f"{cpu:.0f} us CPU per ping"
                for p99, client, p50, start, lost, cpu in summary
            )
        )
    if wins:
        print(f"fastest: {max(wins, key=lambda c: wins[c])} (the product pings with lean: kit/lean_http.py)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--clients", default="lean,aiohttp,httpx,lean", help="comma-separated, in order")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.serve:
        serve_bidders(args.serve)
        return
    started = time.perf_counter()
    names = args.clients.split(",")
    unknown = set(names) - set(CLIENTS)
    if unknown:
        parser.error(f"unknown clients: {', '.join(sorted(unknown))} (known: {', '.join(CLIENTS)})")
    tune_garbage_collector()  # as the server does at start-up (app.py's lifespan)
    rows = uvloop.run(run(args.seconds, names))
    report(rows)
    print(f"(bench took {time.perf_counter() - started:.1f} s, pid {os.getpid()})")


if __name__ == "__main__":
    main()
