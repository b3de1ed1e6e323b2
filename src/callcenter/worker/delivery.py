"""Sending one delivery: the request as rendered at the event, signed at send time when it is a webhook,
through the process's outbound client (explicit timeout, SSRF guard at connection time, no redirects).

What counts as delivered: a 2xx answer; for pixels and RedTrack postbacks a 3xx as well (a tracking pixel
commonly redirects, and the hit was counted when it answered). Anything else, a timeout or a refused
destination is a failed attempt, retried per the schedule.
"""

from __future__ import annotations

import time
from datetime import datetime

from callcenter.integrations.signing import message_id, signature_headers
from callcenter.kit.http import HttpClient, OutboundError
from callcenter.models.integrations import IntegrationKind
from callcenter.worker.repository import Claim, Outcome

RESPONSE_LOG_CHARS = 500
MAX_RESPONSE_BYTES = 256 * 1024


def request_headers(claim: Claim, *, now: datetime) -> dict[str, str]:
    headers = dict(claim.headers)
    if claim.kind is IntegrationKind.WEBHOOK and claim.secret:
        headers.update(
            signature_headers(claim.secret, message_id(claim.id), int(now.timestamp()), claim.body or "")
        )
    return headers


def is_success(kind: IntegrationKind, status: int) -> bool:
    if kind is IntegrationKind.WEBHOOK:
        return 200 <= status < 300
    return 200 <= status < 400


async def send(http: HttpClient, claim: Claim, *, now: datetime) -> Outcome:
    started = time.perf_counter()
    try:
        response = await http.request(
            str(claim.method),
            claim.url,
            timeout_s=claim.timeout_ms / 1000,
            headers=request_headers(claim, now=now),
            body=claim.body.encode() if claim.body is not None else None,
            max_body_bytes=MAX_RESPONSE_BYTES,
        )
    except OutboundError as exc:
        return Outcome(
            success=False,
            started_at=now,
            latency_ms=(time.perf_counter() - started) * 1000,
            error=f"{type(exc).__name__}: {exc}"[:500],
        )
    return Outcome(
        success=is_success(claim.kind, response.status),
        started_at=now,
        latency_ms=response.elapsed_ms,
        status_code=response.status,
        error=None if is_success(claim.kind, response.status) else f"HTTP {response.status}",
        response_body=response.text()[:RESPONSE_LOG_CHARS],
    )
