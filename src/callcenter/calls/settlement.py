"""What a call comes to: its status, connected time, conversion, revenue and payout.

Computed from scratch from the facts gathered so far (Twilio's final status, each dial attempt's result,
the routing disposition) rather than updated incrementally, so callbacks can arrive late, twice or out of
order and the result is the same.

Rules:
- The connected attempt is the one whose dial completed (the destination answered). Its duration is the
  call's connected time.
- Converted when connected seconds >= the connected destination's conversion threshold (the target's own,
  else the campaign's), fixed when it was dialed.
- Revenue is the connected destination's revenue (winning bid or target revenue) when converted, else 0.
  Payout is the call's payout rate (campaign payout or the publisher's override) when converted, else 0.
- A buyer's conversion postback converts the call whatever its duration (connected or not), and its
  amount, when it gave one, is the revenue. It is a recorded fact like the others, so a callback that
  settles the call again later keeps the conversion.
- Status: ``completed`` once a destination answered; before Twilio's final status arrives ``ringing``
  or ``in_progress``; after it, ``rejected`` for calls refused by routing, Twilio's own status when the
  caller's leg failed (busy, failed, no-answer, canceled), else the last attempt's result (no_answer, busy,
  failed), else ``completed`` (the caller heard the closed message or reached the fallback number).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from callcenter.models.calls import AttemptStatus, CallStatus

ZERO = Decimal(0)

_PROVIDER_FAILURES = {
    "busy": CallStatus.BUSY,
    "failed": CallStatus.FAILED,
    "no-answer": CallStatus.NO_ANSWER,
    "canceled": CallStatus.CANCELED,
}
_ATTEMPT_FAILURES = {
    AttemptStatus.NO_ANSWER: CallStatus.NO_ANSWER,
    AttemptStatus.BUSY: CallStatus.BUSY,
    AttemptStatus.FAILED: CallStatus.FAILED,
    AttemptStatus.CANCELED: CallStatus.CANCELED,
}


@dataclass(frozen=True, slots=True)
class AttemptFacts:
    attempt: int
    status: AttemptStatus
    duration_seconds: int
    revenue: Decimal
    conversion_seconds: int
    target_id: uuid.UUID | None
    buyer_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class Settlement:
    status: CallStatus
    connected_seconds: int
    converted: bool
    revenue: Decimal
    payout: Decimal
    target_id: uuid.UUID | None
    buyer_id: uuid.UUID | None
    conversion_seconds: int | None


def settle(
    *,
    provider_status: str | None,
    rejected: bool,
    attempts: Sequence[AttemptFacts],
    payout_rate: Decimal,
    postback_converted: bool = False,
    postback_revenue: Decimal | None = None,
) -> Settlement:
    ordered = sorted(attempts, key=lambda a: a.attempt)
    connected = next((a for a in ordered if a.status is AttemptStatus.COMPLETED), None)
    if connected is not None:
        converted = postback_converted or connected.duration_seconds >= connected.conversion_seconds
        revenue = postback_revenue if postback_revenue is not None else connected.revenue
        return Settlement(
            status=CallStatus.COMPLETED,
            connected_seconds=connected.duration_seconds,
            converted=converted,
            revenue=revenue if converted else ZERO,
            payout=payout_rate if converted else ZERO,
            target_id=connected.target_id,
            buyer_id=connected.buyer_id,
            conversion_seconds=connected.conversion_seconds,
        )
    last = ordered[-1] if ordered else None
    return Settlement(
        status=_unconnected_status(provider_status, rejected=rejected, last=last),
        connected_seconds=0,
        converted=postback_converted,
        revenue=(postback_revenue or ZERO) if postback_converted else ZERO,
        payout=payout_rate if postback_converted else ZERO,
        target_id=last.target_id if last else None,
        buyer_id=last.buyer_id if last else None,
        conversion_seconds=None,
    )


def _unconnected_status(
    provider_status: str | None, *, rejected: bool, last: AttemptFacts | None
) -> CallStatus:
    if provider_status is None:
        dialing = last is not None and last.status is AttemptStatus.DIALING
        return CallStatus.IN_PROGRESS if dialing else CallStatus.RINGING
    if rejected:
        return CallStatus.REJECTED
    if provider_status in _PROVIDER_FAILURES:
        return _PROVIDER_FAILURES[provider_status]
    if last is not None and last.status in _ATTEMPT_FAILURES:
        return _ATTEMPT_FAILURES[last.status]
    return CallStatus.COMPLETED
