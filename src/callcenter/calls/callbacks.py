"""Twilio's later callbacks: dial results, the final call status, recordings.

They arrive late, twice and out of order, so each one records facts (idempotently, keyed by what it
describes), then the call's settlement is recomputed from all facts (``settlement.settle``). Applying a
callback again changes nothing: an attempt's result is written once; the final status is written once;
events whose key is already in the journey are skipped; only the first dial result of an attempt can
start the next attempt.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls import repository
from callcenter.calls.dialing import dial_next, end_routing
from callcenter.calls.extensions import CallEventName, CallEventSink
from callcenter.calls.inbound import Engine, current_reply
from callcenter.calls.journey import EventType, Journey
from callcenter.calls.settlement import AttemptFacts, settle
from callcenter.calls.snapshot import load_routing_config
from callcenter.models.calls import AttemptStatus, Call, CallAttempt, CallStatus
from callcenter.telephony.instructions import Hangup, VoiceReply

logger = logging.getLogger(__name__)

_DIAL_STATUS = {
    "completed": AttemptStatus.COMPLETED,
    "answered": AttemptStatus.COMPLETED,
    "busy": AttemptStatus.BUSY,
    "no-answer": AttemptStatus.NO_ANSWER,
    "failed": AttemptStatus.FAILED,
    "canceled": AttemptStatus.CANCELED,
}


def _seconds(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


async def apply_settlement(
    session: AsyncSession, call: Call, journey: Journey, events: CallEventSink | None = None
) -> bool:
    """Recomputes status, connected time, conversion, revenue and payout from the recorded facts; returns
    whether the call converted just now (``events``, when given, are told so)."""
    attempts = await repository.attempts_of(session, call.id)
    result = settle(
        provider_status=call.provider_status,
        rejected=bool(call.disposition and call.disposition.startswith("rejected")),
        attempts=[
            AttemptFacts(
                attempt=a.attempt,
                status=a.status,
                duration_seconds=a.duration_seconds,
                revenue=a.revenue,
                conversion_seconds=a.conversion_seconds,
                target_id=a.target_id,
                buyer_id=a.buyer_id,
            )
            for a in attempts
        ],
        payout_rate=call.payout_rate,
        postback_converted=call.postback_converted,
        postback_revenue=call.postback_revenue,
    )
    call.status = result.status
    call.connected_seconds = result.connected_seconds
    call.converted = result.converted
    call.revenue = result.revenue
    call.payout = result.payout
    call.conversion_seconds = result.conversion_seconds
    if result.target_id is not None:
        call.target_id, call.buyer_id = result.target_id, result.buyer_id
    conversion = {
        "connected_seconds": result.connected_seconds,
        "threshold_seconds": result.conversion_seconds,
        "revenue": str(result.revenue),
        "payout": str(result.payout),
    }
    newly_converted = result.converted and journey.add(
        EventType.CONVERSION, key="conversion", detail=conversion
    )
    await session.flush()
    if newly_converted and events is not None:
        await events.emit(session, call, CallEventName.CONVERTED)
    return bool(newly_converted)


async def handle_dial_result(
    session: AsyncSession,
    engine: Engine,
    *,
    call_id: uuid.UUID,
    attempt_no: int,
    params: dict[str, str],
    now: datetime,
) -> VoiceReply | None:
    """Records an attempt's result; on no answer dials the next destination. None: unknown call."""
    call = await repository.find_call(session, call_id, for_update=True)
    if call is None or call.call_sid != params.get("CallSid"):
        return None
    attempts = await repository.attempts_of(session, call.id)
    attempt = next((a for a in attempts if a.attempt == attempt_no), None)
    if attempt is None or attempt.status is not AttemptStatus.DIALING:
        return await current_reply(session, engine, call)

    status = _DIAL_STATUS.get(params.get("DialCallStatus", ""), AttemptStatus.FAILED)
    attempt.status = status
    attempt.duration_seconds = (
        _seconds(params.get("DialCallDuration")) if status is AttemptStatus.COMPLETED else 0
    )
    attempt.dial_call_sid = params.get("DialCallSid") or None
    attempt.ended_at = now
    connected = status is AttemptStatus.COMPLETED
    await engine.live.release(attempt.slot_id, connected=connected)
    if connected and call.answered_at is None:
        call.answered_at = now
    recording = params.get("RecordingUrl")
    if recording and call.recording_url is None:
        call.recording_url = recording
    journey = await Journey.load(session, call)
    recorded = journey.add(
        EventType.DIAL_RESULT,
        key=f"dial_result:{attempt_no}",
        reason=None if connected else status,
        detail={
            "attempt": attempt_no,
            "status": status,
            "duration_seconds": attempt.duration_seconds,
            "target_id": str(attempt.target_id) if attempt.target_id else None,
        },
        latency_ms=(now - attempt.started_at).total_seconds() * 1000,
    )
    reply: VoiceReply = (Hangup(),)
    if not connected and call.provider_status is None:
        reply = await _fall_through(session, engine, call, journey, attempts, now)
    await session.flush()
    # Settled before the events are told, so that "answered" carries the connected time and revenue.
    converted_now = await apply_settlement(session, call, journey)
    if connected and recorded:
        await engine.events.emit(session, call, CallEventName.ANSWERED)
    if converted_now:
        await engine.events.emit(session, call, CallEventName.CONVERTED)
    return reply


async def _fall_through(
    session: AsyncSession,
    engine: Engine,
    call: Call,
    journey: Journey,
    attempts: list[CallAttempt],
    now: datetime,
) -> VoiceReply:
    campaign = await repository.find_campaign(session, call.campaign_id)
    assert campaign is not None  # a call with attempts was routed through its campaign
    config = await load_routing_config(session, campaign)
    ctx = engine.dial_context(session, config, call, journey, now)
    if len(attempts) >= campaign.max_attempts:
        return end_routing(ctx, reason="max_attempts")
    return await dial_next(
        ctx,
        attempt=len(attempts) + 1,
        tried_target_ids=frozenset(a.target_id for a in attempts if a.target_id is not None),
        tried_bid_ids=frozenset(a.bid_id for a in attempts if a.bid_id is not None),
    )


async def handle_status(
    session: AsyncSession, engine: Engine, params: dict[str, str], *, now: datetime
) -> bool:
    """Records the call's final status (once) and settles it. False: no such call (yet)."""
    call = await repository.find_call_by_sid(session, params.get("CallSid", ""), for_update=True)
    if call is None:
        return False
    journey = await Journey.load(session, call)
    status = params.get("CallStatus", "")
    ended_now = False
    if status in ("completed", "busy", "no-answer", "failed", "canceled") and call.provider_status is None:
        ended_now = True
        call.provider_status = status
        call.duration_seconds = _seconds(params.get("CallDuration"))
        call.ended_at = now
        journey.add(
            EventType.CALL_ENDED,
            key="call_ended",
            detail={"status": status, "duration_seconds": call.duration_seconds},
        )
        # A dial whose result never came must not hold its slot until the TTL: release it now. Its
        # result, if it still arrives, is recorded; the release itself is idempotent.
        for attempt in await repository.attempts_of(session, call.id):
            if attempt.status is AttemptStatus.DIALING:
                await engine.live.release(attempt.slot_id, connected=False)
    if params.get("RecordingUrl") and call.recording_url is None:
        call.recording_url = params["RecordingUrl"]
    await apply_settlement(session, call, journey, engine.events)
    if ended_now:
        ended = CallEventName.COMPLETED if call.status is CallStatus.COMPLETED else CallEventName.FAILED
        await engine.events.emit(session, call, ended)
    return True


async def handle_recording(session: AsyncSession, params: dict[str, str]) -> bool:
    """Stores the recording URL once Twilio says the recording is complete."""
    call = await repository.find_call_by_sid(session, params.get("CallSid", ""), for_update=True)
    if call is None:
        return False
    if params.get("RecordingStatus", "completed") != "completed":
        return True
    sid = params.get("RecordingSid", "")
    journey = await Journey.load(session, call)
    if journey.add(EventType.RECORDING, key=f"recording:{sid}", detail={"recording_sid": sid}):
        call.recording_url = params.get("RecordingUrl") or call.recording_url
        call.recording_sid = sid or call.recording_sid
    await session.flush()
    return True
