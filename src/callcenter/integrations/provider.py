"""The telephony provider's number inventory behind one small interface (``NumberProvider``), with Twilio
as its implementation, so another provider is one more class.

Twilio is reached with the official ``twilio`` REST client (its resource paths, parameter names,
pagination and error codes are Twilio's own, kept up to date by Twilio) over an httpx transport of ours:
every request gets an explicit timeout, and the client's default async transport (aiohttp with
``BasicAuth``) is avoided, which current aiohttp deprecates. The API's base URL comes from settings
(``TWILIO_API_URL``), so a Twilio-compatible endpoint (or a test double) is configuration only.

Credentials are the installation's (``TWILIO_ACCOUNT_SID`` / ``TWILIO_AUTH_TOKEN``); without them every
operation is refused with 409 ``telephony_not_configured``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from twilio.base.exceptions import TwilioRestException
from twilio.http import AsyncHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

from callcenter.kit.errors import AppError
from callcenter.settings import Settings

logger = logging.getLogger(__name__)

TWILIO_TIMEOUT_S = 15.0


class ProviderNotConfigured(AppError):
    status_code = 409
    code = "telephony_not_configured"


class ProviderError(AppError):
    """The provider refused or failed; its own message is passed on (it names no other account)."""

    status_code = 502
    code = "provider_error"


@dataclass(frozen=True, slots=True)
class AvailableNumber:
    phone_number: str
    friendly_name: str
    region: str | None
    locality: str | None
    postal_code: str | None
    iso_country: str | None
    capabilities: dict[str, bool]


@dataclass(frozen=True, slots=True)
class OwnedNumber:
    sid: str
    phone_number: str
    friendly_name: str
    voice_url: str | None
    status_callback: str | None
    voice_fallback_url: str | None
    capabilities: dict[str, bool]


@dataclass(frozen=True, slots=True)
class NumberWebhooks:
    """Where the provider sends a number's calls: its voice URL, final status and fallback."""

    voice_url: str
    status_callback: str
    fallback_url: str


class NumberProvider(Protocol):
    async def search(
        self,
        *,
        country: str,
        toll_free: bool,
        area_code: int | None,
        contains: str | None,
        region: str | None,
        limit: int,
    ) -> list[AvailableNumber]: ...

    async def buy(
        self, phone_number: str, *, friendly_name: str, webhooks: NumberWebhooks
    ) -> OwnedNumber: ...

    async def configure(self, sid: str, webhooks: NumberWebhooks) -> OwnedNumber: ...

    async def release(self, sid: str) -> None: ...

    async def owned(self) -> list[OwnedNumber]: ...


class _HttpxTransport(AsyncHttpClient):  # type: ignore[misc]
    """The twilio client's HTTP layer, on httpx."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        super().__init__(logger, True, TWILIO_TIMEOUT_S)
        self._client = client

    async def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, object] | None = None,
        data: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the twilio client's own signature
        allow_redirects: bool = False,
    ) -> TwilioResponse:
        response = await self._client.request(
            method.upper(),
            url,
            params=dict(params or {}),  # type: ignore[arg-type]
            data=dict(data or {}) if data else None,
            headers=dict(headers or {}),
            auth=auth,
            timeout=timeout or TWILIO_TIMEOUT_S,
            follow_redirects=allow_redirects,
        )
        return TwilioResponse(response.status_code, response.text, response.headers)


def _capabilities(value: Any) -> dict[str, bool]:
    return {str(k): bool(v) for k, v in (value or {}).items()}


def _owned(record: Any) -> OwnedNumber:
    return OwnedNumber(
        sid=record.sid,
        phone_number=record.phone_number,
        friendly_name=record.friendly_name or "",
        voice_url=record.voice_url or None,
        status_callback=record.status_callback or None,
        voice_fallback_url=record.voice_fallback_url or None,
        capabilities=_capabilities(record.capabilities),
    )


class TwilioNumbers:
    """``NumberProvider`` on Twilio's 2010-04-01 REST API."""

    def __init__(
        self,
        *,
        account_sid: str | None,
        auth_token: str | None,
        api_url: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._account_sid = account_sid
        self._http = httpx.AsyncClient(transport=transport, timeout=TWILIO_TIMEOUT_S)
        self._client: Client | None = None
        if account_sid and auth_token:
            self._client = Client(account_sid, auth_token, http_client=_HttpxTransport(self._http))
            self._client.api.base_url = api_url.rstrip("/")

    @classmethod
    def from_settings(
        cls, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> TwilioNumbers:
        token = settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else None
        return cls(
            account_sid=settings.twilio_account_sid,
            auth_token=token,
            api_url=settings.twilio_api_url,
            transport=transport,
        )

    def _account(self) -> Any:
        if self._client is None:
            raise ProviderNotConfigured(
                "Twilio is not configured: set CALLCENTER_TWILIO_ACCOUNT_SID and CALLCENTER_TWILIO_AUTH_TOKEN"
            )
        return self._client.api.v2010.accounts(self._account_sid)

    async def _call(self, operation: Any) -> Any:
        try:
            return await operation
        except TwilioRestException as exc:
            status = 409 if exc.status in (400, 404, 409) else 502
            raise ProviderError(
                f"Twilio: {exc.msg}",
                status_code=status,
                details={"twilio_code": exc.code, "status": exc.status},
            ) from exc
        except httpx.HTTPError as exc:
            raise ProviderError(f"Twilio could not be reached: {type(exc).__name__}") from exc

    async def search(
        self,
        *,
        country: str,
        toll_free: bool,
        area_code: int | None,
        contains: str | None,
        region: str | None,
        limit: int,
    ) -> list[AvailableNumber]:
        country_numbers = self._account().available_phone_numbers(country)
        listing = country_numbers.toll_free if toll_free else country_numbers.local
        filters: dict[str, Any] = {"voice_enabled": True, "limit": limit}
        if area_code is not None:
            filters["area_code"] = area_code
        if contains:
            filters["contains"] = contains
        if region and not toll_free:
            filters["in_region"] = region
        records = await self._call(listing.list_async(**filters))
        return [
            AvailableNumber(
                phone_number=r.phone_number,
                friendly_name=r.friendly_name or r.phone_number,
                region=getattr(r, "region", None) or None,
                locality=getattr(r, "locality", None) or None,
                postal_code=getattr(r, "postal_code", None) or None,
                iso_country=r.iso_country or None,
                capabilities=_capabilities(r.capabilities),
            )
            for r in records
        ]

    def _webhook_fields(self, webhooks: NumberWebhooks) -> dict[str, str]:
        return {
            "voice_url": webhooks.voice_url,
            "voice_method": "POST",
            "status_callback": webhooks.status_callback,
            "status_callback_method": "POST",
            "voice_fallback_url": webhooks.fallback_url,
            "voice_fallback_method": "POST",
        }

    async def buy(self, phone_number: str, *, friendly_name: str, webhooks: NumberWebhooks) -> OwnedNumber:
        numbers = self._account().incoming_phone_numbers
        fields = self._webhook_fields(webhooks)
        if friendly_name:
            fields["friendly_name"] = friendly_name
        return _owned(await self._call(numbers.create_async(phone_number=phone_number, **fields)))

    async def configure(self, sid: str, webhooks: NumberWebhooks) -> OwnedNumber:
        number = self._account().incoming_phone_numbers(sid)
        return _owned(await self._call(number.update_async(**self._webhook_fields(webhooks))))

    async def release(self, sid: str) -> None:
        """Releases the number; one Twilio no longer has counts as released."""
        try:
            await self._call(self._account().incoming_phone_numbers(sid).delete_async())
        except ProviderError as exc:
            if (exc.details or {}).get("status") != 404:
                raise

    async def owned(self) -> list[OwnedNumber]:
        records = await self._call(self._account().incoming_phone_numbers.list_async())
        return [_owned(record) for record in records]

    async def close(self) -> None:
        await self._http.aclose()


async def open_provider(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> AsyncIterator[TwilioNumbers]:
    provider = TwilioNumbers.from_settings(settings, transport=transport)
    try:
        yield provider
    finally:
        await provider.close()
