"""Integrations (pixels, webhooks, RedTrack), their deliveries, the token list and campaign URL parameters.

Business rules:
- An integration belongs to one campaign of the account or (``campaign_id`` null) to all of them. Names
  are unique within the account (422 on ``name``).
- Pixels and webhooks fire on one ``event``; RedTrack picks its own events and takes none. Webhooks are
  POSTs with a JSON body; a GET pixel has no body.
- Templates may use only known tokens: the built-in ones and the custom URL parameters of the
  integration's campaign (of any campaign of the account for an account-wide integration). An unknown
  token is a 422 on the field that holds it, naming it. A webhook's body template must render to valid
  JSON. The URL must be an absolute http(s) URL to a public address (SSRF guard, as for bidders).
- Conditions may name only the account's publishers, buyers and targets.
- Webhooks get a Standard Webhooks secret on creation; rotating it takes effect at the next attempt.
- Deleting an integration deletes its delivery log with it; pending deliveries are not sent.
- A failed delivery (every retry used) is replayed on request: due now, with a fresh schedule and the
  same message id.
- A campaign URL parameter's name is a query parameter name that is not a built-in token; it is unique
  within the campaign. It cannot be removed while an integration that may use it (the campaign's own,
  or an account-wide one when no other campaign defines the name) still does.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.buyers.repository import BuyerRepository, TargetRepository
from callcenter.calls.extensions import CallEventName
from callcenter.campaigns.repository import CampaignRepository
from callcenter.integrations.repository import (
    DeliveryRepository,
    IntegrationRepository,
    UrlParameterRepository,
    call_names,
    find_account_call,
)
from callcenter.integrations.rules import JSON, Rule, body_encoder, plan
from callcenter.integrations.schemas import (
    Conditions,
    DeliveryFilters,
    IntegrationCreate,
    IntegrationFilters,
    IntegrationUpdate,
    RedTrackSettings,
    RenderedRequest,
    SendTestRequest,
    SendTestResult,
    SentResponse,
    TokenRead,
    UrlParameterCreate,
    UrlParameterUpdate,
)
from callcenter.integrations.signing import new_secret
from callcenter.integrations.tokens import BUILTIN_NAMES, BUILTIN_TOKENS, call_values, sample_values
from callcenter.kit.errors import Conflict, FieldError, NotFound
from callcenter.kit.http import HttpClient
from callcenter.kit.pagination import PageParams
from callcenter.kit.templating import render, unknown_tokens, url_encoder
from callcenter.kit.unique import flush_unique
from callcenter.kit.url_safety import check_url_field
from callcenter.models.calls import Call, CallStatus
from callcenter.models.integrations import (
    CampaignUrlParameter,
    DeliveryAttempt,
    HttpMethod,
    Integration,
    IntegrationKind,
    OutboxDelivery,
)
from callcenter.publishers.repository import PublisherRepository
from callcenter.worker.delivery import send
from callcenter.worker.repository import Claim

NAME_TAKEN = "an integration with this name already exists"
PARAMETER_TAKEN = "this campaign already has a parameter with this name"


async def release_transaction(session: AsyncSession) -> None:
    """Ends the request's transaction before waiting on the network.

    SQLite has one writer at a time and every transaction takes the write lock with its first statement
    (BEGIN IMMEDIATE), so a transaction held open across a remote call would stall every webhook for as
    long as that call takes. What the request did so far (reads, the session's bookkeeping) is committed;
    later database work starts a new transaction, committed when the request ends.
    """
    await session.commit()


# ---- integrations ----------------------------------------------------------------------------------


async def list_integrations(
    session: AsyncSession, auth: AuthContext, filters: IntegrationFilters, page: PageParams
) -> tuple[list[Integration], int]:
    return await IntegrationRepository(session).search(auth, filters, page)


async def get_integration(session: AsyncSession, auth: AuthContext, integration_id: uuid.UUID) -> Integration:
    return await IntegrationRepository(session).get(auth, integration_id)


async def _check_references(session: AsyncSession, auth: AuthContext, integration: Integration) -> None:
    if (
        integration.campaign_id is not None
        and await CampaignRepository(session).find(auth, integration.campaign_id) is None
    ):
        raise FieldError("campaign_id", "campaign not found")
    conditions = Conditions.model_validate(integration.conditions)
    for field, repository, ids in (
        ("publisher_ids", PublisherRepository(session), conditions.publisher_ids),
        ("buyer_ids", BuyerRepository(session), conditions.buyer_ids),
        ("target_ids", TargetRepository(session), conditions.target_ids),
    ):
        for row_id in ids:
            if await repository.find(auth, row_id) is None:
                raise FieldError(f"conditions.{field}", f"{repository.resource} not found")


def _check_shape(integration: Integration) -> None:
    kind = integration.kind
    if kind is IntegrationKind.REDTRACK:
        if integration.event is not None:
            raise FieldError("event", "a RedTrack integration fires on its own events; leave event out")
        if integration.body is not None:
            raise FieldError("body", "a RedTrack postback has no body")
        return
    if integration.event is None:
        raise FieldError("event", "choose the call event that fires it")
    if kind is IntegrationKind.WEBHOOK and integration.method is not HttpMethod.POST:
        raise FieldError("method", "webhooks are sent with POST")
    if integration.method is HttpMethod.GET and integration.body is not None:
        raise FieldError("body", "a GET request has no body; use POST")


async def _check_templates(
    session: AsyncSession, auth: AuthContext, integration: Integration, *, allow_private: bool
) -> None:
    custom = await UrlParameterRepository(session).names(auth, campaign_id=integration.campaign_id)
    known = BUILTIN_NAMES | custom
    templates = [("url", integration.url), ("body", integration.body or "")]
    templates += [(f"headers.{name}", value) for name, value in (integration.headers or {}).items()]
    for field, template in templates:
        unknown = unknown_tokens(template, known)
        if unknown:
            raise FieldError(field, f"unknown tokens: {', '.join('{' + t + '}' for t in unknown)}")
    samples = sample_values(integration.event or CallEventName.CONVERTED, custom)
    await check_url_field(
        "url", render(integration.url, samples, encode=url_encoder), allow_private=allow_private
    )
    if integration.kind is IntegrationKind.WEBHOOK and integration.body:
        encoder = body_encoder(integration.content_type or JSON)
        try:
            json.loads(render(integration.body, samples, encode=encoder))
        except ValueError as exc:
            raise FieldError("body", f"the body does not render to valid JSON: {exc}") from exc


async def _save(
    session: AsyncSession, auth: AuthContext, integration: Integration, *, allow_private: bool
) -> Integration:
    """Checks the integration (new, or with its changes applied) and writes it. The checks read without
    flushing, so that a clash is the polite 422 rather than the database's refusal."""
    _check_shape(integration)
    with session.no_autoflush:
        await _check_references(session, auth, integration)
        await _check_templates(session, auth, integration, allow_private=allow_private)
        if await IntegrationRepository(session).name_taken(auth, integration.name, except_id=integration.id):
            raise FieldError("name", NAME_TAKEN)
    session.add(integration)
    await flush_unique(
        session, table="integrations", columns=("account_id", "name"), error=FieldError("name", NAME_TAKEN)
    )
    return integration


_DEFAULT_METHOD = {
    IntegrationKind.PIXEL: HttpMethod.GET,
    IntegrationKind.WEBHOOK: HttpMethod.POST,
    IntegrationKind.REDTRACK: HttpMethod.GET,
}


async def create_integration(
    session: AsyncSession, auth: AuthContext, data: IntegrationCreate, *, allow_private: bool
) -> Integration:
    integration = Integration(
        id=uuid.uuid4(),
        account_id=auth.account_id,
        name=data.name,
        kind=data.kind,
        event=str(data.event) if data.event else None,
        campaign_id=data.campaign_id,
        method=data.method or _DEFAULT_METHOD[data.kind],
        url=data.url,
        headers=data.headers,
        body=data.body,
        content_type=data.content_type,
        conditions=data.conditions.model_dump(mode="json"),
        settings=(data.redtrack or RedTrackSettings()).model_dump()
        if data.kind is IntegrationKind.REDTRACK
        else {},
        timeout_ms=data.timeout_ms,
        active=data.active,
        secret=new_secret() if data.kind is IntegrationKind.WEBHOOK else None,
    )
    if data.redtrack is not None and data.kind is not IntegrationKind.REDTRACK:
        raise FieldError("redtrack", "only for RedTrack integrations")
    return await _save(session, auth, integration, allow_private=allow_private)


async def update_integration(
    session: AsyncSession,
    auth: AuthContext,
    integration_id: uuid.UUID,
    data: IntegrationUpdate,
    *,
    allow_private: bool,
) -> Integration:
    integration = await IntegrationRepository(session).get(auth, integration_id, for_update=True)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True, mode="json")
    if "redtrack" in changes:
        if integration.kind is not IntegrationKind.REDTRACK:
            raise FieldError("redtrack", "only for RedTrack integrations")
        integration.settings = changes.pop("redtrack")
    if "campaign_id" in changes:
        integration.campaign_id = data.campaign_id
        changes.pop("campaign_id")
    for field, value in changes.items():
        setattr(integration, field, HttpMethod(value) if field == "method" else value)
    return await _save(session, auth, integration, allow_private=allow_private)


async def delete_integration(session: AsyncSession, auth: AuthContext, integration_id: uuid.UUID) -> None:
    repository = IntegrationRepository(session)
    await repository.delete(await repository.get(auth, integration_id))


async def rotate_secret(session: AsyncSession, auth: AuthContext, integration_id: uuid.UUID) -> Integration:
    integration = await IntegrationRepository(session).get(auth, integration_id, for_update=True)
    if integration.kind is not IntegrationKind.WEBHOOK:
        raise Conflict("Only webhooks are signed", code="not_a_webhook")
    integration.secret = new_secret()
    await session.flush()
    return integration


def _sample_call(auth: AuthContext, event: CallEventName, click_id_param: str) -> Call:
    """A call that is not stored, with the token list's example values, for a test without a real call."""
    samples = sample_values(event)
    return Call(
        id=uuid.uuid4(),
        account_id=auth.account_id,
        call_sid=samples["call_sid"],
        caller=samples["caller"],
        called=samples["called"],
        caller_state=samples["caller_state"],
        status=CallStatus.COMPLETED,
        duration_seconds=95,
        connected_seconds=90,
        revenue=Decimal("25.00"),
        payout=Decimal("8.00"),
        converted=True,
        duplicate=False,
        attribution={click_id_param: samples.get(click_id_param) or "sample-click-id"},
    )


async def send_test(
    session: AsyncSession,
    auth: AuthContext,
    integration_id: uuid.UUID,
    data: SendTestRequest,
    *,
    http: HttpClient,
    now: datetime,
) -> SendTestResult:
    """Renders the integration's request for a real call of the account (its conditions applied) or for
    sample values (conditions ignored), sends it at once and reports what went and what came back."""
    integration = await IntegrationRepository(session).get(auth, integration_id)
    rule = Rule.of(integration)
    event = data.event or (CallEventName(integration.event) if integration.event else CallEventName.CONVERTED)
    if data.call_id is not None:
        call = await find_account_call(session, auth, data.call_id)
        if call is None:
            raise FieldError("call_id", "call not found")
        names = await call_names(session, call)
        values = call_values(call, event=event, now=now, names=names)
        requests = plan(rule, call, values, event)
    else:
        click_id_param = rule.redtrack.click_id_param if rule.redtrack else "rtkclickid"
        call = _sample_call(auth, event, click_id_param)
        values = call_values(call, event=event, now=now)
        values.update({k: v for k, v in sample_values(event).items() if values.get(k) is None})
        requests = plan(rule, call, values, event, check_conditions=False)
    if not requests:
        return SendTestResult(request=None, response=None, error="the call does not qualify", success=False)
    request = requests[-1]
    claim = Claim(
        id=uuid.uuid4(),
        account_id=auth.account_id,
        attempt=1,
        token=uuid.uuid4(),
        kind=integration.kind,
        method=request.method,
        url=request.url,
        headers=request.headers,
        body=request.body,
        timeout_ms=integration.timeout_ms,
        secret=integration.secret,
    )
    await release_transaction(session)
    outcome = await send(http, claim, now=now)
    return SendTestResult(
        request=RenderedRequest(
            method=str(request.method), url=request.url, headers=request.headers, body=request.body
        ),
        response=SentResponse(
            status_code=outcome.status_code, body=outcome.response_body or "", latency_ms=outcome.latency_ms
        )
        if outcome.status_code is not None
        else None,
        error=outcome.error,
        success=outcome.success,
    )


# ---- tokens ----------------------------------------------------------------------------------------


async def list_tokens(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID | None
) -> list[TokenRead]:
    """The built-in tokens, then the custom URL parameters a template of that campaign (or an
    account-wide one) may use."""
    if campaign_id is not None:
        await CampaignRepository(session).get(auth, campaign_id)
    custom = await UrlParameterRepository(session).names(auth, campaign_id=campaign_id)
    tokens = [
        TokenRead(name=s.name, group=s.group, description=s.description, example=s.example)
        for s in BUILTIN_TOKENS
    ]
    tokens += [
        TokenRead(name=name, group="custom", description="Custom URL parameter", example=f"sample-{name}")
        for name in sorted(custom)
    ]
    return tokens


# ---- deliveries ------------------------------------------------------------------------------------


async def list_deliveries(
    session: AsyncSession, auth: AuthContext, filters: DeliveryFilters, page: PageParams
) -> tuple[list[OutboxDelivery], int]:
    return await DeliveryRepository(session).search(auth, filters, page)


async def get_delivery(
    session: AsyncSession, auth: AuthContext, delivery_id: uuid.UUID
) -> tuple[OutboxDelivery, list[DeliveryAttempt]]:
    repository = DeliveryRepository(session)
    delivery = await repository.get(auth, delivery_id)
    return delivery, await repository.attempts(delivery.id)


async def replay_delivery(
    session: AsyncSession, auth: AuthContext, delivery_id: uuid.UUID, *, now: datetime
) -> OutboxDelivery:
    """Replays a failed delivery; one that is pending or delivered is a 409."""
    repository = DeliveryRepository(session)
    delivery = await repository.get(auth, delivery_id)
    if not await repository.replay(auth, now=now, ids=[delivery.id]):
        raise Conflict(f"Only failed deliveries can be replayed; this one is {delivery.status}")
    await session.refresh(delivery)
    return delivery


async def replay_failed(
    session: AsyncSession, auth: AuthContext, integration_id: uuid.UUID, *, now: datetime
) -> int:
    integration = await IntegrationRepository(session).get(auth, integration_id)
    return await DeliveryRepository(session).replay(auth, now=now, integration_id=integration.id)


# ---- campaign URL parameters -----------------------------------------------------------------------


async def list_url_parameters(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID
) -> list[CampaignUrlParameter]:
    campaign = await CampaignRepository(session).get(auth, campaign_id)
    return await UrlParameterRepository(session).of_campaign(auth, campaign.id)


async def create_url_parameter(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, data: UrlParameterCreate
) -> CampaignUrlParameter:
    campaign = await CampaignRepository(session).get(auth, campaign_id)
    if data.name in BUILTIN_NAMES:
        raise FieldError("name", f"{data.name!r} is a built-in token; custom parameters need another name")
    parameter = CampaignUrlParameter(
        account_id=auth.account_id, campaign_id=campaign.id, name=data.name, label=data.label
    )
    session.add(parameter)
    await flush_unique(
        session,
        table="campaign_url_parameters",
        columns=("campaign_id", "name"),
        error=FieldError("name", PARAMETER_TAKEN),
    )
    return parameter


async def _get_parameter(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, parameter_id: uuid.UUID
) -> CampaignUrlParameter:
    parameter = await UrlParameterRepository(session).get(auth, parameter_id)
    if parameter.campaign_id != campaign_id:
        raise NotFound("URL parameter")
    return parameter


async def update_url_parameter(
    session: AsyncSession,
    auth: AuthContext,
    campaign_id: uuid.UUID,
    parameter_id: uuid.UUID,
    data: UrlParameterUpdate,
) -> CampaignUrlParameter:
    parameter = await _get_parameter(session, auth, campaign_id, parameter_id)
    parameter.label = data.label
    await session.flush()
    return parameter


async def delete_url_parameter(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, parameter_id: uuid.UUID
) -> None:
    parameter = await _get_parameter(session, auth, campaign_id, parameter_id)
    parameters = UrlParameterRepository(session)
    elsewhere = await parameters.defined_elsewhere(auth, parameter.name, except_campaign_id=campaign_id)
    users = [
        integration.name
        for integration in await IntegrationRepository(session).using_token(auth, campaign_id=campaign_id)
        if (integration.campaign_id is not None or not elsewhere)
        and parameter.name in Rule.of(integration).tokens
    ]
    if users:
        raise Conflict(
            f"The token {{{parameter.name}}} is used by: {', '.join(sorted(users))}",
            code="parameter_in_use",
            details={"integrations": sorted(users)},
        )
    await parameters.delete(parameter)
