"""The call engine's event sink (``CallEventSink``): turns call events into outbox deliveries, inside the
call's own transaction.

Rules:
- The engine emits each event at most once per call (also under repeated Twilio callbacks); every
  integration the event fires gets one delivery, rendered with the call's values at that moment.
- This runs on the voice webhook's path, so it adds no round trip when nothing fires: the account's
  active integrations come from a per-process cache (``RuleCache``), and the names of the campaign,
  target, buyer and publisher are read only when a template uses one (without flushing the call, which
  is written in one go at commit).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.extensions import CallEventName
from callcenter.calls.route_cache import generation
from callcenter.integrations.outbox import enqueue, enqueue_once
from callcenter.integrations.repository import IntegrationRepository, call_names
from callcenter.integrations.rules import PlannedRequest, Rule, plan
from callcenter.integrations.tokens import CallNames, call_values
from callcenter.models.base import utcnow
from callcenter.models.calls import Call
from callcenter.models.integrations import HttpMethod, IntegrationKind, OutboxDelivery


class RuleCache:
    """Each account's active integrations, as ``Rule``s, kept per process for ``ttl_s`` seconds.

    Any configuration change committed by this process empties it at once (the route cache's
    generation, which integrations bump too); a change made through another server process is seen
    within ``ttl_s``. So the voice webhook reads integrations from the database at most every two seconds
    per account, not on every call.
    """

    def __init__(self, ttl_s: float = 2.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[uuid.UUID, tuple[float, int, list[Rule]]] = {}

    async def rules(self, session: AsyncSession, account_id: uuid.UUID) -> list[Rule]:
        entry = self._entries.get(account_id)
        if entry is not None and entry[1] == generation() and self._clock() - entry[0] <= self.ttl_s:
            return entry[2]
        loaded_in = generation()
        # No flush: the call being recorded is written with everything else at commit.
        with session.no_autoflush:
            rows = await IntegrationRepository(session).active_for_account(account_id)
        rules = [Rule.of(row) for row in rows]
        if self.ttl_s > 0 and loaded_in == generation():
            self._entries[account_id] = (self._clock(), loaded_in, rules)
        return rules


def delivery_row(rule: Rule, call: Call, request: PlannedRequest) -> OutboxDelivery:
    now = utcnow()
    return OutboxDelivery(
        id=uuid.uuid4(),
        account_id=call.account_id,
        integration_id=rule.id,
        call_id=call.id,
        event=request.label,
        kind=rule.kind,
        method=request.method,
        url=request.url,
        headers=request.headers,
        body=request.body,
        timeout_ms=rule.timeout_ms,
        dedupe_key=request.dedupe_key,
        next_attempt_at=now,
        created_at=now,
    )


class IntegrationEvents:
    """Writes the deliveries of every integration a call event fires."""

    def __init__(self, cache: RuleCache | None = None) -> None:
        self.cache = cache or RuleCache()

    async def emit(self, session: AsyncSession, call: Call, event: CallEventName) -> None:
        rules = [
            rule
            for rule in await self.cache.rules(session, call.account_id)
            if rule.listens_to(event) and rule.covers(call.campaign_id)
        ]
        if not rules:
            return
        with session.no_autoflush:
            names = await call_names(session, call) if any(r.needs_names for r in rules) else CallNames()
        values = call_values(call, event=event, now=utcnow(), names=names)
        for rule in rules:
            for request in plan(rule, call, values, event):
                delivery = delivery_row(rule, call, request)
                if delivery.dedupe_key is None:
                    enqueue(session, delivery)
                else:
                    await enqueue_once(session, delivery)


FLOW_PIXEL = "flow_pixel"
FLOW_PIXEL_TIMEOUT_MS = 5000


class OutboxPixels:
    """A call flow's pixel node (``PixelSink``): its request, already rendered by the flow, is delivered
    through the outbox like any pixel (same worker, retries and attempt log; no integration of its own)."""

    async def enqueue(
        self,
        session: AsyncSession,
        call: Call,
        *,
        url: str,
        method: str,
        headers: dict[str, str],
        body: str | None,
    ) -> None:
        now = utcnow()
        http_method = HttpMethod.POST if method.upper() == HttpMethod.POST else HttpMethod.GET
        enqueue(
            session,
            OutboxDelivery(
                id=uuid.uuid4(),
                account_id=call.account_id,
                integration_id=None,
                call_id=call.id,
                event=FLOW_PIXEL,
                kind=IntegrationKind.PIXEL,
                method=http_method,
                url=url,
                headers=dict(headers),
                body=body if http_method is HttpMethod.POST else None,
                timeout_ms=FLOW_PIXEL_TIMEOUT_MS,
                next_attempt_at=now,
                created_at=now,
            ),
        )
