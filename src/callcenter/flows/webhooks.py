"""``POST /api/webhooks/flow/{session_id}``: Twilio reports keys, silence, a transfer's result or a
voicemail for a call inside an IVR flow, and gets the next TwiML.

Signed and guarded like the other voice webhooks (telephony/endpoints.py): a bad signature is a 403; the
work runs in its own transaction under the voice deadline; when it fails or runs late, or the session is
unknown, the caller is forwarded from the process's fallback cache instead of hearing an error.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.inbound import Engine
from callcenter.flows.executor import EventKind, FlowEvent
from callcenter.flows.runner import handle_flow_step
from callcenter.models.base import utcnow
from callcenter.telephony.endpoints import (
    TwilioParams,
    _in_transaction,
    emergency_reply,
    twiml,
    voice_deadline_s,
)
from callcenter.telephony.instructions import VoiceReply

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])
logger = logging.getLogger(__name__)


@router.post("/flow/{session_id}")
async def flow_step(
    session_id: uuid.UUID,
    request: Request,
    params: TwilioParams,
    step: Annotated[int, Query(ge=0, description="The prompt this webhook answers")],
    event: Annotated[EventKind, Query(description="input, timeout, dialed or recorded")],
) -> Response:
    """The next step of a call's flow."""
    engine: Engine = request.app.state.call_engine
    flow_event = FlowEvent(
        event, digits=params.get("Digits", ""), dial_status=params.get("DialCallStatus", "")
    )

    async def work(session: AsyncSession) -> VoiceReply | None:
        return await handle_flow_step(
            session, engine, session_id=session_id, step=step, event=flow_event, params=params, now=utcnow()
        )

    extra = {"call_sid": params["CallSid"], "flow_session_id": str(session_id)}
    try:
        reply = await asyncio.wait_for(_in_transaction(request, work), voice_deadline_s(request))
    except TimeoutError:
        logger.error("flow webhook missed its deadline", extra=extra)
        return twiml(emergency_reply(request, params, reason="deadline_exceeded"))
    except Exception:
        logger.exception("flow webhook failed", extra=extra)
        return twiml(emergency_reply(request, params, reason="engine_error"))
    if reply is None:
        logger.warning("flow webhook for an unknown session", extra=extra)
        return twiml(emergency_reply(request, params, reason="unknown_flow_session"))
    return twiml(reply)
