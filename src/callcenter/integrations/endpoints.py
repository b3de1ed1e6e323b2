"""HTTP routes of the integrations domain: integrations and their test sends, deliveries (attempt log,
replay), the token list, campaign URL parameters, conversion postback tokens and the public postback
URL, and the telephony provider's numbers (search, buy, import, configure, release)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from callcenter.auth.context import AuthContext
from callcenter.auth.credentials import headers_for, secret_for
from callcenter.auth.dependencies import AppSettings, ConfigRead, ConfigWrite
from callcenter.calls.extensions import CallEventName
from callcenter.calls.inbound import Engine
from callcenter.integrations import postbacks, provisioning, service
from callcenter.integrations.provider import NumberProvider, open_provider
from callcenter.integrations.schemas import (
    AttemptRead,
    Conditions,
    DeliveryDetail,
    DeliveryFilters,
    DeliveryRead,
    IntegrationCreate,
    IntegrationFilters,
    IntegrationRead,
    IntegrationUpdate,
    NumberImport,
    NumberPurchase,
    NumberSearch,
    PostbackLogRead,
    PostbackReply,
    PostbackTokenCreate,
    PostbackTokenRead,
    PostbackTokenUpdate,
    ProviderNumberList,
    RedTrackSettings,
    ReplayResult,
    SendTestRequest,
    SendTestResult,
    TokenList,
    UrlParameterCreate,
    UrlParameterRead,
    UrlParameterUpdate,
)
from callcenter.kit.db import DbSession
from callcenter.kit.errors import error_body
from callcenter.kit.http import HttpClient
from callcenter.kit.live_dependency import Live
from callcenter.kit.pagination import Page, Pagination
from callcenter.models.base import utcnow
from callcenter.models.integrations import Integration, IntegrationKind, PostbackOutcome, PostbackToken
from callcenter.numbers.schemas import NumberRead
from callcenter.settings import Settings

router = APIRouter(prefix="/api", tags=["integrations"])

INTEGRATION = "/integrations/{integration_id}"
DELIVERY = "/deliveries/{delivery_id}"
PARAMETERS = "/campaigns/{campaign_id}/url-parameters"
POSTBACK_TOKEN = "/postback-tokens/{token_id}"  # noqa: S105 - a route, not a secret
PROVIDER_NUMBER = "/telephony/numbers/{number_id}"


def _integration(row: Integration, auth: AuthContext) -> IntegrationRead:
    """Header values and the signing secret are credentials: masked for who may not change the
    integration (auth/credentials)."""
    return IntegrationRead(
        id=row.id,
        name=row.name,
        kind=row.kind,
        event=CallEventName(row.event) if row.event else None,
        campaign_id=row.campaign_id,
        method=row.method,
        url=row.url,
        headers=headers_for(auth, row.headers or {}),
        body=row.body,
        content_type=row.content_type,
        conditions=Conditions.model_validate(row.conditions or {}),
        redtrack=RedTrackSettings.model_validate(row.settings)
        if row.kind is IntegrationKind.REDTRACK
        else None,
        timeout_ms=row.timeout_ms,
        active=row.active,
        secret=secret_for(auth, row.secret),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _http(request: Request) -> HttpClient:
    http: HttpClient = request.app.state.http
    return http


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.call_engine
    return engine


async def number_provider(settings: AppSettings) -> AsyncIterator[NumberProvider]:
    """The telephony provider's numbers, with the installation's credentials (tests point it at a fake)."""
    async for provider in open_provider(settings):
        yield provider


Http = Annotated[HttpClient, Depends(_http)]
Provider = Annotated[NumberProvider, Depends(number_provider)]


# ---- integrations ----------------------------------------------------------------------------------


@router.get("/integrations", response_model=Page[IntegrationRead])
async def list_integrations(
    auth: ConfigRead, session: DbSession, filters: Annotated[IntegrationFilters, Query()], page: Pagination
) -> Page[IntegrationRead]:
    rows, total = await service.list_integrations(session, auth, filters, page)
    return Page(items=[_integration(r, auth) for r in rows], total=total)


@router.post("/integrations", response_model=IntegrationRead, status_code=status.HTTP_201_CREATED)
async def create_integration(
    data: IntegrationCreate, auth: ConfigWrite, session: DbSession, settings: AppSettings
) -> IntegrationRead:
    row = await service.create_integration(session, auth, data, allow_private=settings.allow_private_urls)
    return _integration(row, auth)


@router.get(INTEGRATION, response_model=IntegrationRead)
async def get_integration(integration_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> IntegrationRead:
    return _integration(await service.get_integration(session, auth, integration_id), auth)


@router.patch(INTEGRATION, response_model=IntegrationRead)
async def update_integration(
    integration_id: uuid.UUID,
    data: IntegrationUpdate,
    auth: ConfigWrite,
    session: DbSession,
    settings: AppSettings,
) -> IntegrationRead:
    row = await service.update_integration(
        session, auth, integration_id, data, allow_private=settings.allow_private_urls
    )
    return _integration(row, auth)


@router.delete(INTEGRATION, status_code=status.HTTP_204_NO_CONTENT)
async def delete_integration(integration_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> Response:
    await service.delete_integration(session, auth, integration_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(INTEGRATION + "/test", response_model=SendTestResult)
async def send_test(
    integration_id: uuid.UUID,
    auth: ConfigWrite,
    session: DbSession,
    http: Http,
    data: SendTestRequest | None = None,
) -> SendTestResult:
    """Sends the request now (not through the outbox) and shows what was sent and what came back."""
    return await service.send_test(
        session, auth, integration_id, data or SendTestRequest(), http=http, now=utcnow()
    )


@router.post(INTEGRATION + "/rotate-secret", response_model=IntegrationRead)
async def rotate_secret(integration_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> IntegrationRead:
    return _integration(await service.rotate_secret(session, auth, integration_id), auth)


@router.post(INTEGRATION + "/replay-failed", response_model=ReplayResult)
async def replay_failed(integration_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> ReplayResult:
    """Queues every failed delivery of the integration again."""
    return ReplayResult(replayed=await service.replay_failed(session, auth, integration_id, now=utcnow()))


@router.get("/integration-tokens", response_model=TokenList)
async def list_tokens(
    auth: ConfigRead, session: DbSession, campaign_id: Annotated[uuid.UUID | None, Query()] = None
) -> TokenList:
    """Every token a template of that campaign (or, without one, an account-wide template) may use."""
    tokens = await service.list_tokens(session, auth, campaign_id)
    return TokenList(items=tokens, total=len(tokens))


# ---- deliveries ------------------------------------------------------------------------------------


@router.get("/deliveries", response_model=Page[DeliveryRead])
async def list_deliveries(
    auth: ConfigRead, session: DbSession, filters: Annotated[DeliveryFilters, Query()], page: Pagination
) -> Page[DeliveryRead]:
    rows, total = await service.list_deliveries(session, auth, filters, page)
    return Page(items=[DeliveryRead.model_validate(r) for r in rows], total=total)


@router.get(DELIVERY, response_model=DeliveryDetail)
async def get_delivery(delivery_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> DeliveryDetail:
    delivery, attempts = await service.get_delivery(session, auth, delivery_id)
    return DeliveryDetail(
        **DeliveryRead.model_validate(delivery).model_dump(),
        headers=headers_for(auth, delivery.headers or {}),
        body=delivery.body,
        attempt_log=[AttemptRead.model_validate(a) for a in attempts],
    )


@router.post(DELIVERY + "/replay", response_model=DeliveryRead)
async def replay_delivery(delivery_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> DeliveryRead:
    """Queues a failed delivery again, due now, with a fresh retry schedule."""
    return DeliveryRead.model_validate(
        await service.replay_delivery(session, auth, delivery_id, now=utcnow())
    )


# ---- campaign URL parameters -----------------------------------------------------------------------


@router.get(PARAMETERS, response_model=Page[UrlParameterRead])
async def list_url_parameters(
    campaign_id: uuid.UUID, auth: ConfigRead, session: DbSession
) -> Page[UrlParameterRead]:
    rows = await service.list_url_parameters(session, auth, campaign_id)
    return Page(items=[UrlParameterRead.model_validate(r) for r in rows], total=len(rows))


@router.post(PARAMETERS, response_model=UrlParameterRead, status_code=status.HTTP_201_CREATED)
async def create_url_parameter(
    campaign_id: uuid.UUID, data: UrlParameterCreate, auth: ConfigWrite, session: DbSession
) -> UrlParameterRead:
    return UrlParameterRead.model_validate(
        await service.create_url_parameter(session, auth, campaign_id, data)
    )


@router.patch(PARAMETERS + "/{parameter_id}", response_model=UrlParameterRead)
async def update_url_parameter(
    campaign_id: uuid.UUID,
    parameter_id: uuid.UUID,
    data: UrlParameterUpdate,
    auth: ConfigWrite,
    session: DbSession,
) -> UrlParameterRead:
    row = await service.update_url_parameter(session, auth, campaign_id, parameter_id, data)
    return UrlParameterRead.model_validate(row)


@router.delete(PARAMETERS + "/{parameter_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_url_parameter(
    campaign_id: uuid.UUID, parameter_id: uuid.UUID, auth: ConfigWrite, session: DbSession
) -> Response:
    await service.delete_url_parameter(session, auth, campaign_id, parameter_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ---- conversion postbacks --------------------------------------------------------------------------


def _token(row: PostbackToken, settings: Settings) -> PostbackTokenRead:
    return PostbackTokenRead(
        id=row.id,
        name=row.name,
        campaign_id=row.campaign_id,
        active=row.active,
        token=row.token,
        url=f"{settings.public_url.rstrip('/')}/api/postback/{row.token}",
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@router.get("/postback-tokens", response_model=Page[PostbackTokenRead])
async def list_postback_tokens(
    auth: ConfigRead, session: DbSession, page: Pagination, settings: AppSettings
) -> Page[PostbackTokenRead]:
    rows, total = await postbacks.list_tokens(session, auth, page)
    return Page(items=[_token(r, settings) for r in rows], total=total)


@router.post("/postback-tokens", response_model=PostbackTokenRead, status_code=status.HTTP_201_CREATED)
async def create_postback_token(
    data: PostbackTokenCreate, auth: ConfigWrite, session: DbSession, settings: AppSettings
) -> PostbackTokenRead:
    return _token(await postbacks.create_token(session, auth, data), settings)


@router.get(POSTBACK_TOKEN, response_model=PostbackTokenRead)
async def get_postback_token(
    token_id: uuid.UUID, auth: ConfigRead, session: DbSession, settings: AppSettings
) -> PostbackTokenRead:
    return _token(await postbacks.get_token(session, auth, token_id), settings)


@router.patch(POSTBACK_TOKEN, response_model=PostbackTokenRead)
async def update_postback_token(
    token_id: uuid.UUID,
    data: PostbackTokenUpdate,
    auth: ConfigWrite,
    session: DbSession,
    settings: AppSettings,
) -> PostbackTokenRead:
    return _token(await postbacks.update_token(session, auth, token_id, data), settings)


@router.delete(POSTBACK_TOKEN, status_code=status.HTTP_204_NO_CONTENT)
async def delete_postback_token(token_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> Response:
    await postbacks.delete_token(session, auth, token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(POSTBACK_TOKEN + "/logs", response_model=Page[PostbackLogRead])
async def list_postback_logs(
    token_id: uuid.UUID, auth: ConfigRead, session: DbSession, page: Pagination
) -> Page[PostbackLogRead]:
    rows, total = await postbacks.list_logs(session, auth, token_id, page)
    return Page(items=[PostbackLogRead.model_validate(r) for r in rows], total=total)


async def _postback_params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            try:
                body = await request.json()
            except ValueError:
                body = None
            if isinstance(body, dict):
                params.update({str(k): v for k, v in body.items()})
        else:
            form = await request.form()
            params.update({key: str(value) for key, value in form.multi_items()})
    return params


_POSTBACK_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown token, or no such call"},
    422: {"description": "Invalid input"},
}


@router.get("/postback/{token}", response_model=PostbackReply, responses=_POSTBACK_RESPONSES)
@router.post(
    "/postback/{token}",
    response_model=PostbackReply,
    responses=_POSTBACK_RESPONSES,
    operation_id="receive_postback_post",
)
async def receive_postback(
    token: str,
    request: Request,
    session: DbSession,
    live: Live,
    params: Annotated[dict[str, Any], Depends(_postback_params)],
) -> Any:
    """A buyer's conversion postback (public: the token in the URL is the credential). Parameters:
    ``call_id`` (our id or the CallSid) or ``caller`` (+ ``within_minutes``), and ``amount``."""
    result = await postbacks.receive(
        session, live, _engine(request).events, token, method=request.method, raw=params, now=utcnow()
    )
    if result.outcome in (PostbackOutcome.CONVERTED, PostbackOutcome.UNCHANGED):
        return PostbackReply(
            outcome=result.outcome, call_id=result.call_id, revenue=result.revenue, message=result.message
        )
    code = "call_not_found" if result.outcome is PostbackOutcome.NOT_FOUND else "validation_error"
    return JSONResponse(error_body(code, result.message), status_code=result.status_code)


# ---- telephony provider numbers --------------------------------------------------------------------


@router.get("/telephony/available-numbers", response_model=ProviderNumberList)
async def search_available_numbers(
    auth: ConfigRead, session: DbSession, provider: Provider, query: Annotated[NumberSearch, Query()]
) -> ProviderNumberList:
    """Numbers for sale at the provider: local (area code, digits, region) or toll-free."""
    found = await provisioning.search_available(session, provider, query)
    return ProviderNumberList(items=found, total=len(found))


@router.get("/telephony/numbers", response_model=ProviderNumberList)
async def list_provider_numbers(
    auth: ConfigRead, session: DbSession, provider: Provider
) -> ProviderNumberList:
    """The provider account's numbers that are yours (``id`` set) or no account's yet (importable)."""
    numbers = await provisioning.list_provider_numbers(session, auth, provider)
    return ProviderNumberList(items=numbers, total=len(numbers))


@router.post("/telephony/numbers", response_model=NumberRead, status_code=status.HTTP_201_CREATED)
async def buy_number(
    data: NumberPurchase, auth: ConfigWrite, session: DbSession, provider: Provider, settings: AppSettings
) -> NumberRead:
    """Buys the number with its webhooks pointed here, and adds it as a tracking number."""
    number = await provisioning.buy_number(session, auth, provider, data, public_url=settings.public_url)
    return NumberRead.model_validate(number)


@router.post("/telephony/numbers/import", response_model=Page[NumberRead])
async def import_numbers(
    data: NumberImport, auth: ConfigWrite, session: DbSession, provider: Provider, settings: AppSettings
) -> Page[NumberRead]:
    """Syncs numbers the provider account already has into this account."""
    rows = await provisioning.import_numbers(session, auth, provider, data, public_url=settings.public_url)
    return Page(items=[NumberRead.model_validate(r) for r in rows], total=len(rows))


@router.post(PROVIDER_NUMBER + "/configure", response_model=NumberRead)
async def configure_number(
    number_id: uuid.UUID, auth: ConfigWrite, session: DbSession, provider: Provider, settings: AppSettings
) -> NumberRead:
    """Points the number's voice, status and fallback URLs at this platform again."""
    number = await provisioning.configure_number(
        session, auth, provider, number_id, public_url=settings.public_url
    )
    return NumberRead.model_validate(number)


@router.post(PROVIDER_NUMBER + "/release", status_code=status.HTTP_204_NO_CONTENT)
async def release_number(
    number_id: uuid.UUID, auth: ConfigWrite, session: DbSession, provider: Provider
) -> Response:
    """Gives the number back to the provider and unassigns it everywhere."""
    await provisioning.release_number(session, auth, provider, number_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
