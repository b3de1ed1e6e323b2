"""Inbound conversion postbacks: a buyer tells us, through a secret URL, that a call converted.

Business rules:
- ``/api/postback/{token}`` takes GET or POST (query string, form or JSON body). The token names the
  account, and optionally one campaign whose calls alone it may convert. A missing or switched-off
  token is a 404 (nothing is logged: nothing names an account).
- The call is named by ``call_id`` (our call id, or Twilio's CallSid), or by the ``caller``'s number: their
  latest call that started within ``within_minutes`` (default 24 hours) before the postback.
- The call becomes converted whatever its duration, with the postback's ``amount`` as its revenue when
  one is given (else the revenue it would have on conversion), and the publisher's payout. The
  conversion is a fact of the call: Twilio callbacks that settle it later keep it.
- Idempotent: the same postback again changes nothing and says ``unchanged``; a new amount replaces the
  revenue. The ``converted`` integrations fire once per call, whatever repeats.
- Every postback that names a valid token is logged with its parameters and outcome (converted,
  unchanged, not_found, invalid), also when it is refused.
- At most ``RATE_LIMIT`` postbacks per token per minute (429 beyond).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.calls.callbacks import apply_settlement
from callcenter.calls.extensions import CallEventSink
from callcenter.calls.journey import EventType, Journey
from callcenter.campaigns.repository import CampaignRepository
from callcenter.integrations.repository import PostbackLogRepository, PostbackTokenRepository
from callcenter.integrations.schemas import PostbackParams, PostbackTokenCreate, PostbackTokenUpdate
from callcenter.kit.errors import FieldError, NotFound, TooManyRequests
from callcenter.kit.fields import normalize_e164
from callcenter.kit.pagination import PageParams
from callcenter.kit.unique import flush_unique
from callcenter.live import LiveState
from callcenter.models.calls import Call
from callcenter.models.integrations import PostbackLog, PostbackOutcome, PostbackToken

RATE_LIMIT = 600
RATE_WINDOW_S = 60
NAME_TAKEN = "a postback token with this name already exists"
_STATUS = {
    PostbackOutcome.CONVERTED: 200,
    PostbackOutcome.UNCHANGED: 200,
    PostbackOutcome.NOT_FOUND: 404,
    PostbackOutcome.INVALID: 422,
}


@dataclass(frozen=True, slots=True)
class PostbackResult:
    outcome: PostbackOutcome
    message: str
    call_id: uuid.UUID | None = None
    revenue: Decimal | None = None

    @property
    def status_code(self) -> int:
        return _STATUS[self.outcome]


# ---- tokens ----------------------------------------------------------------------------------------


async def _check_campaign(session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID | None) -> None:
    if campaign_id is not None and await CampaignRepository(session).find(auth, campaign_id) is None:
        raise FieldError("campaign_id", "campaign not found")


async def _save(session: AsyncSession, auth: AuthContext, token: PostbackToken) -> PostbackToken:
    with session.no_autoflush:
        if await PostbackTokenRepository(session).name_taken(auth, token.name, except_id=token.id):
            raise FieldError("name", NAME_TAKEN)
    session.add(token)
    await flush_unique(
        session, table="postback_tokens", columns=("account_id", "name"), error=FieldError("name", NAME_TAKEN)
    )
    return token


async def list_tokens(
    session: AsyncSession, auth: AuthContext, page: PageParams
) -> tuple[list[PostbackToken], int]:
    return await PostbackTokenRepository(session).list(auth, page, order_by=[PostbackToken.name])


async def get_token(session: AsyncSession, auth: AuthContext, token_id: uuid.UUID) -> PostbackToken:
    return await PostbackTokenRepository(session).get(auth, token_id)


async def create_token(session: AsyncSession, auth: AuthContext, data: PostbackTokenCreate) -> PostbackToken:
    await _check_campaign(session, auth, data.campaign_id)
    token = PostbackToken(
        id=uuid.uuid4(),
        account_id=auth.account_id,
        name=data.name,
        campaign_id=data.campaign_id,
        active=data.active,
        token=secrets.token_urlsafe(24),
    )
    return await _save(session, auth, token)


async def update_token(
    session: AsyncSession, auth: AuthContext, token_id: uuid.UUID, data: PostbackTokenUpdate
) -> PostbackToken:
    token = await PostbackTokenRepository(session).get(auth, token_id, for_update=True)
    changes = data.model_dump(exclude_unset=True)
    await _check_campaign(session, auth, changes.get("campaign_id"))
    for field, value in changes.items():
        setattr(token, field, value)
    return await _save(session, auth, token)


async def delete_token(session: AsyncSession, auth: AuthContext, token_id: uuid.UUID) -> None:
    repository = PostbackTokenRepository(session)
    await repository.delete(await repository.get(auth, token_id))


async def list_logs(
    session: AsyncSession, auth: AuthContext, token_id: uuid.UUID, page: PageParams
) -> tuple[list[PostbackLog], int]:
    token = await PostbackTokenRepository(session).get(auth, token_id)
    return await PostbackLogRepository(session).of_token(auth, token.id, page)


# ---- receiving -------------------------------------------------------------------------------------


async def _find_call(
    session: AsyncSession, token: PostbackToken, params: PostbackParams, caller: str | None, now: datetime
) -> Call | None:
    statement = select(Call).where(Call.account_id == token.account_id)
    if token.campaign_id is not None:
        statement = statement.where(Call.campaign_id == token.campaign_id)
    if params.call_id:
        try:
            statement = statement.where(Call.id == uuid.UUID(params.call_id))
        except ValueError:
            statement = statement.where(Call.call_sid == params.call_id)
    else:
        since = now - timedelta(minutes=params.within_minutes)
        statement = statement.where(Call.caller == caller, Call.started_at >= since, Call.started_at <= now)
    statement = statement.order_by(Call.started_at.desc()).limit(1).with_for_update()
    return (await session.scalars(statement)).first()


def _parse(raw: dict[str, Any]) -> tuple[PostbackParams, str | None]:
    """The postback's parameters; raises ValueError with a message naming the field."""
    try:
        params = PostbackParams.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise ValueError(f"{field}: {first.get('msg', 'invalid')}") from exc
    if not params.call_id and not params.caller:
        raise ValueError("give call_id, or caller (and within_minutes)")
    caller = None
    if not params.call_id and params.caller:
        try:
            caller = normalize_e164(params.caller)
        except ValueError as exc:
            raise ValueError(f"caller: {exc}") from exc
    return params, caller


async def receive(
    session: AsyncSession,
    live: LiveState,
    events: CallEventSink,
    token_text: str,
    *,
    method: str,
    raw: dict[str, Any],
    now: datetime,
) -> PostbackResult:
    token = await PostbackTokenRepository(session).by_token(token_text)
    if token is None or not token.active:
        raise NotFound("postback token")
    decision = await live.hit(f"postback:{token.id}", limit=RATE_LIMIT, window_s=RATE_WINDOW_S)
    if not decision.allowed:
        raise TooManyRequests("Too many postbacks for this token", retry_after_s=decision.retry_after_s)
    try:
        params, caller = _parse(raw)
    except ValueError as exc:
        result = PostbackResult(PostbackOutcome.INVALID, str(exc))
    else:
        result = await _convert(session, events, token, params, caller, now)
    session.add(
        PostbackLog(
            account_id=token.account_id,
            token_id=token.id,
            received_at=now,
            method=method,
            params={key: str(value)[:500] for key, value in list(raw.items())[:50]},
            outcome=result.outcome,
            call_id=result.call_id,
            amount=result.revenue if result.outcome is not PostbackOutcome.INVALID else None,
            message=result.message[:500],
        )
    )
    await session.flush()
    return result


async def _convert(
    session: AsyncSession,
    events: CallEventSink,
    token: PostbackToken,
    params: PostbackParams,
    caller: str | None,
    now: datetime,
) -> PostbackResult:
    call = await _find_call(session, token, params, caller, now)
    if call is None:
        return PostbackResult(PostbackOutcome.NOT_FOUND, "no such call")
    amount = params.amount
    if call.postback_converted and (amount is None or call.postback_revenue == amount):
        return PostbackResult(PostbackOutcome.UNCHANGED, "already converted", call.id, call.revenue)
    call.postback_converted = True
    if amount is not None:
        call.postback_revenue = amount
    journey = await Journey.load(session, call)
    journey.add(
        EventType.CONVERSION,
        key=f"postback:{amount if amount is not None else 'converted'}",
        reason="postback",
        detail={"source": "postback", "token": token.name, "amount": None if amount is None else str(amount)},
        at=now,
    )
    await apply_settlement(session, call, journey, events)
    return PostbackResult(PostbackOutcome.CONVERTED, "converted", call.id, call.revenue)
