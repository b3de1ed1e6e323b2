"""Twilio-facing webhooks: voice (direct and pool numbers), dial action, status, recording, fallback.

Every request must carry a valid ``X-Twilio-Signature`` (403 otherwise). These routes manage their own
transactions instead of the request-scoped session: the voice webhook must answer within its deadline
(``Settings.voice_deadline_ms``, 1.5 s) whatever happens, so its database work runs under it, and on any
failure the caller is forwarded from the process's fallback cache (the call is written later by the deferred
writer); a concurrent duplicate of the same callback (unique-key clash) is retried once and then sees
the first one's result. An extension that must reach the network first (the RTB auction) has its work
done between two runs of the transaction, none being open meanwhile (``calls/extensions.NetworkFirst``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.callbacks import handle_dial_result, handle_recording, handle_status
from callcenter.calls.extensions import run_network_first
from callcenter.calls.inbound import Engine, InboundCall, handle_inbound
from callcenter.calls.resilience import DeferredCall, DeferredCalls, FallbackCache
from callcenter.kit.db import Database
from callcenter.kit.errors import AppError, Forbidden
from callcenter.kit.prepared import insert_added
from callcenter.models.base import utcnow
from callcenter.models.calls import CALL_RECORD_MODELS
from callcenter.settings import Settings
from callcenter.telephony.instructions import (
    UNAVAILABLE_MESSAGE,
    Dial,
    Hangup,
    Say,
    VoiceReply,
)
from callcenter.telephony.twilio import TWIML_MEDIA_TYPE, render, signature_is_valid

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])
logger = logging.getLogger(__name__)

T = TypeVar("T")


def voice_deadline_s(request: Request) -> float:
    """How long a webhook that answers a caller may take (``Settings.voice_deadline_ms``)."""
    settings: Settings = request.app.state.settings
    return settings.voice_deadline_ms / 1000


def callback_deadline_s(request: Request) -> float:
    """How long a status or recording callback may take (``Settings.callback_deadline_ms``)."""
    settings: Settings = request.app.state.settings
    return settings.callback_deadline_ms / 1000


async def twilio_params(request: Request) -> dict[str, str]:
    """The webhook's form parameters, after checking Twilio's signature over PUBLIC_URL + path + query."""
    form = await request.form()
    params = {key: str(value) for key, value in form.multi_items()}
    settings: Settings = request.app.state.settings
    if settings.validate_twilio_signatures:
        query = f"?{request.url.query}" if request.url.query else ""
        url = settings.public_url.rstrip("/") + request.url.path + query
        signature = request.headers.get("x-twilio-signature", "")
        if not signature or not signature_is_valid(settings.twilio_signing_token(), url, params, signature):
            raise Forbidden("Invalid Twilio signature", code="invalid_signature")
    if not params.get("CallSid"):
        raise AppError(
            "CallSid is required",
            status_code=422,
            code="validation_error",
            details=[{"field": "CallSid", "message": "Field required"}],
        )
    return params


TwilioParams = Annotated[dict[str, str], Depends(twilio_params)]


def twiml(reply: VoiceReply) -> Response:
    return Response(content=render(reply), media_type=TWIML_MEDIA_TYPE)


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.call_engine
    return engine


async def _in_transaction(request: Request, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    database: Database = request.app.state.database

    async def once() -> T:
        async with database.sessionmaker() as session, session.begin():
            result = await work(session)
            # The call record, attempts and journey events added by the work go out as prepared
            # INSERTs rather than through the ORM's flush: a third of the voice webhook's CPU before.
            await insert_added(session, CALL_RECORD_MODELS)
            return result

    for attempt in (1, 2):
        try:
            return await run_network_first(once)
        except IntegrityError:
            if attempt == 2:
                raise
            logger.info("concurrent duplicate webhook; retrying once")
    raise AssertionError("unreachable")


def emergency_reply(request: Request, params: dict[str, str], *, reason: str) -> VoiceReply:
    """Forward the caller from process memory and remember the call for the deferred writer."""
    cache: FallbackCache = request.app.state.fallback_cache
    deferred: DeferredCalls = request.app.state.deferred_calls
    entry = cache.get(params.get("To", ""))
    forward_to = entry.fallback_number if entry else None
    deferred.add(
        DeferredCall(
            call_sid=params["CallSid"],
            params=params,
            pool_id=None,
            answered_at=utcnow(),
            reason=reason,
            forwarded_to=forward_to,
        )
    )
    if forward_to:
        return (Dial(destination=forward_to, timeout_seconds=30), Hangup())
    message = entry.closed_message if entry and entry.closed_message else UNAVAILABLE_MESSAGE
    return (Say(message), Hangup())


async def _answer(request: Request, params: dict[str, str], pool_id: uuid.UUID | None) -> Response:
    inbound = InboundCall.from_params(params)
    engine = _engine(request)

    async def work(session: AsyncSession) -> VoiceReply:
        return await handle_inbound(session, engine, inbound, now=utcnow(), pool_id=pool_id)

    try:
        reply = await asyncio.wait_for(_in_transaction(request, work), voice_deadline_s(request))
    except TimeoutError:
        logger.error("voice webhook missed its deadline", extra={"call_sid": inbound.call_sid})
        reply = emergency_reply(request, params, reason="deadline_exceeded")
    except Exception:
        logger.exception("voice webhook failed", extra={"call_sid": inbound.call_sid})
        reply = emergency_reply(request, params, reason="engine_error")
    return twiml(reply)


@router.post("/voice")
async def voice(request: Request, params: TwilioParams) -> Response:
    """A call to a tracking number: answered with the first routing step."""
    return await _answer(request, params, None)


@router.post("/pool/{pool_id}/voice")
async def pool_voice(pool_id: uuid.UUID, request: Request, params: TwilioParams) -> Response:
    """A call to a pool number (numbers in a pool point their voice URL here)."""
    return await _answer(request, params, pool_id)


@router.post("/fallback")
async def fallback(request: Request, params: TwilioParams) -> Response:
    """Twilio's fallback URL, called when the voice URL failed: forward from the cache."""
    return twiml(emergency_reply(request, params, reason="twilio_fallback"))


@router.post("/dial/{call_id}")
async def dial_result(
    call_id: uuid.UUID, request: Request, params: TwilioParams, attempt: Annotated[int, Query(ge=1)]
) -> Response:
    """The result of one dial attempt: hang up when answered, else ring the next destination."""
    engine = _engine(request)

    async def work(session: AsyncSession) -> VoiceReply | None:
        return await handle_dial_result(
            session, engine, call_id=call_id, attempt_no=attempt, params=params, now=utcnow()
        )

    try:
        reply = await asyncio.wait_for(_in_transaction(request, work), voice_deadline_s(request))
    except Exception:
        logger.exception("dial callback failed", extra={"call_id": str(call_id)})
        return twiml(emergency_reply(request, params, reason="engine_error"))
    if reply is None:
        logger.warning("dial callback for an unknown call", extra={"call_id": str(call_id)})
        return twiml((Hangup(),))
    return twiml(reply)


async def _apply_or_keep(
    request: Request,
    params: dict[str, str],
    work: Callable[[AsyncSession], Awaitable[bool]],
    *,
    keep: Callable[[dict[str, str]], None],
    what: str,
) -> Response:
    """Applies a status or recording callback within the callback deadline. Twilio does not send one
    again, so when it fails, or its call is not written yet (answered from the fallback cache, waiting
    in the deferred writer), it is kept for the deferred writer to apply later."""
    extra = {"call_sid": params["CallSid"]}
    try:
        known = await asyncio.wait_for(_in_transaction(request, work), callback_deadline_s(request))
    except Exception:
        logger.exception("%s callback failed; kept for replay", what, extra=extra)
        keep(params)
        return Response(status_code=204)
    if not known:
        keep(params)
        logger.info("%s for a call not recorded yet", what, extra=extra)
    return Response(status_code=204)


@router.post("/status", status_code=204)
async def status_callback(request: Request, params: TwilioParams) -> Response:
    """The call's final status: settles conversion, revenue and payout."""
    engine = _engine(request)
    deferred: DeferredCalls = request.app.state.deferred_calls

    async def work(session: AsyncSession) -> bool:
        return await handle_status(session, engine, params, now=utcnow())

    return await _apply_or_keep(request, params, work, keep=deferred.add_status, what="status")


@router.post("/recording", status_code=204)
async def recording(request: Request, params: TwilioParams) -> Response:
    """A recording is ready: its URL is stored on the call."""
    deferred: DeferredCalls = request.app.state.deferred_calls

    async def work(session: AsyncSession) -> bool:
        return await handle_recording(session, params)

    return await _apply_or_keep(request, params, work, keep=deferred.add_recording, what="recording")
