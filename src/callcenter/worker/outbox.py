"""The outbox worker: delivers due pixels, webhooks and postbacks, records every attempt, retries per the
schedule (``integrations/outbox.py``) and leaves the ones that never succeed as failed (dead letter).

It runs inside the server process by default and as ``callcenter worker`` in processes of its own; any
number of them may run against one PostgreSQL database (see ``worker/repository.py`` for why claims do
not collide). Guarantees: every delivery is attempted until it succeeds or its schedule is used up, even
across crashes (at least once); a crash re-sends only what was in flight, with the same ``webhook-id``.

How it runs: one loop owns the database work (claiming, recording) while up to ``concurrency`` requests
are in flight as tasks; a slow or dead endpoint therefore holds one slot for at most its timeout and never
the others. The loop claims more as slots free up, and otherwise sleeps until a request finishes, a
transaction of this process writes deliveries (wake-up), or the poll interval passes (deliveries written
by other processes, retries coming due).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from datetime import datetime, timedelta

from callcenter.integrations.outbox import add_waker, remove_waker
from callcenter.kit.db import Database
from callcenter.kit.http import HttpClient, OutboundHttp
from callcenter.models.base import utcnow
from callcenter.settings import Settings
from callcenter.worker.delivery import send
from callcenter.worker.repository import Claim, Outcome, claim_due, record

logger = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 32
DEFAULT_POLL_INTERVAL_S = 0.5
DEFAULT_LEASE_MARGIN_S = 30.0
DEFAULT_GATHER_S = 0.02


class OutboxWorker:
    def __init__(
        self,
        database: Database,
        http: HttpClient,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        poll_interval_s: float = DEFAULT_POLL_INTERVAL_S,
        lease_margin_s: float = DEFAULT_LEASE_MARGIN_S,
        gather_s: float = DEFAULT_GATHER_S,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.http = http
        self.concurrency = concurrency
        self.poll_interval_s = poll_interval_s
        self.lease_margin = timedelta(seconds=lease_margin_s)
        self.gather_s = gather_s
        self.clock = clock
        self._wake = asyncio.Event()
        self._stopping = False
        self._in_flight: set[asyncio.Task[None]] = set()
        self._results: list[tuple[Claim, Outcome]] = []
        self._task: asyncio.Task[None] | None = None
        self._failures = 0

    def wake(self) -> None:
        self._wake.set()

    async def _turn(self, results: list[tuple[Claim, Outcome]], limit: int) -> list[Claim]:
        """One transaction: records finished attempts, then claims up to ``limit`` due deliveries."""
        async with self.database.sessionmaker() as session, session.begin():
            now = self.clock()
            await record(session, results, now=now)
            if limit <= 0:
                return []
            return await claim_due(session, now=now, limit=limit, lease_margin=self.lease_margin)

    async def run_once(self) -> int:
        """Claims what is due now, delivers it, records the outcomes; returns how many were attempted."""
        claims = await self._turn([], self.concurrency)
        now = self.clock()
        outcomes = await asyncio.gather(*(send(self.http, claim, now=now) for claim in claims))
        await self._turn(list(zip(claims, outcomes, strict=True)), 0)
        return len(claims)

    async def _deliver(self, claim: Claim) -> None:
        outcome = await send(self.http, claim, now=self.clock())
        self._results.append((claim, outcome))
        self._wake.set()

    async def _step(self) -> bool:
        """Records what finished and starts deliveries in the free slots; True when every free slot was
        filled (more may be due).

        A slot is busy from the claim until its result is recorded, not only while its request runs: so
        at most ``concurrency`` deliveries are ever claimed and unrecorded, which bounds what a crash
        makes another worker send again."""
        results, self._results = self._results, []
        free = self.concurrency - len(self._in_flight)
        try:
            claims = await self._turn(results, free)
        except Exception:
            # The results are kept for the next turn; if this process dies first, the leases end and
            # the deliveries are attempted again. While the database is away, turns back off (to 30 s).
            self._failures += 1
            logger.exception("outbox worker turn failed", extra={"failures": self._failures})
            self._results = results + self._results
            await asyncio.sleep(min(30.0, self.poll_interval_s * 2 ** min(self._failures, 10)))
            return False
        self._failures = 0
        for claim in claims:
            task = asyncio.create_task(self._deliver(claim))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return free > 0 and len(claims) == free

    async def run(self) -> None:
        """Delivers until ``stop``; in-flight requests are finished and recorded before it returns."""
        add_waker(self.wake)
        try:
            while not self._stopping:
                self._wake.clear()
                if await self._step():
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)
                    # Woken: let the calls committing now and the requests finishing now join this
                    # turn, so that a busy server runs a few turns per second rather than one per event.
                    await asyncio.sleep(self.gather_s)
        finally:
            remove_waker(self.wake)
            if self._in_flight:
                await asyncio.gather(*self._in_flight, return_exceptions=True)
            results, self._results = self._results, []
            await self._turn(results, 0)

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def start(self) -> OutboxWorker:
        """Runs the worker as a task of the current event loop (the server process)."""
        self._task = asyncio.create_task(self.run(), name="outbox-worker")
        return self

    async def shutdown(self, timeout_s: float = 35.0) -> None:
        """Stops a started worker, letting in-flight requests finish (at most their timeout)."""
        self.stop()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout_s)
            except TimeoutError:
                logger.warning("outbox worker did not stop in time; its leases will expire")


async def run_worker_process(
    settings: Settings, *, concurrency: int, poll_interval_s: float, lease_margin_s: float
) -> None:
    """``callcenter worker``: delivers until SIGTERM or SIGINT, then finishes what is in flight."""
    database = Database(settings)
    http = OutboundHttp(allow_private=settings.allow_private_urls)
    worker = OutboxWorker(
        database,
        http,
        concurrency=concurrency,
        poll_interval_s=poll_interval_s,
        lease_margin_s=lease_margin_s,
    )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, worker.stop)
    logger.info("outbox worker started", extra={"concurrency": concurrency})
    try:
        await worker.run()
    finally:
        await http.close()
        await database.dispose()
        logger.info("outbox worker stopped")
