"""A stand-in for Twilio's REST API (2010-04-01) number resources, re-derived from Twilio's OpenAPI contract
(twilio-oai ``twilio_api_v2010.json``): the paths, form fields, query parameters, response shapes and
error bodies below are the contract's.

- ``GET  /2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/Local.json`` and
  ``.../TollFree.json``: query ``AreaCode``, ``Contains``, ``InRegion``, ``VoiceEnabled``, ``PageSize``;
  answers ``{"available_phone_numbers": [...], "uri", "next_page_uri", ...}``.
- ``POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json``: form ``PhoneNumber`` (or
  ``AreaCode``), ``FriendlyName``, ``VoiceUrl``/``VoiceMethod``, ``StatusCallback``/``StatusCallbackMethod``,
  ``VoiceFallbackUrl``/``VoiceFallbackMethod``...; 201 with an ``incoming_phone_number``.
- ``GET`` the same path lists them (``PageSize``/``Page``, ``next_page_uri``); ``GET``/``POST``/``DELETE``
  ``.../IncomingPhoneNumbers/{Sid}.json`` fetch, update (200) and release (204) one.
- Errors are ``{"code", "message", "more_info", "status"}``; requests authenticate with HTTP Basic
  (account SID, auth token).

Served on a loopback port (``serve``) for the provisioning tests, or in process through an httpx
transport (``transport``) where no server can be started.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from aiohttp import web

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "fake-twilio-token"
API = "/2010-04-01/Accounts/{account}"
METHODS = ("GET", "POST")
# Form fields the contract defines for creating / updating an incoming phone number.
CREATE_FIELDS = frozenset(
    "ApiVersion FriendlyName SmsApplicationSid SmsFallbackMethod SmsFallbackUrl SmsMethod SmsUrl "
    "StatusCallback StatusCallbackMethod VoiceApplicationSid VoiceCallerIdLookup VoiceFallbackMethod "
    "VoiceFallbackUrl VoiceMethod VoiceUrl EmergencyStatus EmergencyAddressSid TrunkSid IdentitySid "
    "AddressSid VoiceReceiveMode BundleSid PhoneNumber AreaCode".split()
)
UPDATE_FIELDS = (CREATE_FIELDS - {"PhoneNumber", "AreaCode"}) | {"AccountSid"}


def available(
    number: str, *, region: str = "CA", locality: str = "San Francisco", toll_free: bool = False
) -> dict[str, Any]:
    return {
        "friendly_name": f"({number[2:5]}) {number[5:8]}-{number[8:]}",
        "phone_number": number,
        "lata": "722",
        "locality": None if toll_free else locality,
        "rate_center": None if toll_free else locality.upper(),
        "latitude": "37.77",
        "longitude": "-122.42",
        "region": None if toll_free else region,
        "postal_code": None if toll_free else "94103",
        "iso_country": "US",
        "address_requirements": "none",
        "beta": False,
        "capabilities": {"voice": True, "SMS": True, "MMS": False},
    }


@dataclass
class FakeTwilio:
    url: str = ""
    local: list[dict[str, Any]] = field(default_factory=list)
    toll_free: list[dict[str, Any]] = field(default_factory=list)
    owned: dict[str, dict[str, Any]] = field(default_factory=dict)
    searches: list[dict[str, str]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)

    # ---- the contract ----------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], form: dict[str, str], auth: str
    ) -> tuple[int, Any]:
        self.requests.append((method, path))
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if auth != expected:
            return _error(401, 20003, "Authenticate")
        prefix = API.format(account=ACCOUNT_SID)
        if not path.startswith(prefix):
            return _error(404, 20404, f"The requested resource {path} was not found")
        rest = path[len(prefix) :]
        if match := re.fullmatch(r"/AvailablePhoneNumbers/([A-Z]{2})/(Local|TollFree)\.json", rest):
            if method == "GET":
                return self._search(path, match.group(2), query)
        elif rest == "/IncomingPhoneNumbers.json":
            if method == "POST":
                return self._buy(form)
            if method == "GET":
                return self._list(path, query)
        elif match := re.fullmatch(r"/IncomingPhoneNumbers/(PN[0-9a-f]{32})\.json", rest):
            sid = match.group(1)
            if sid not in self.owned:
                return _error(404, 20404, f"The requested resource {path} was not found")
            if method == "GET":
                return 200, self.owned[sid]
            if method == "POST":
                return self._update(sid, form)
            if method == "DELETE":
                del self.owned[sid]
                return 204, None
        else:
            return _error(404, 20404, f"The requested resource {path} was not found")
        return _error(405, 20004, "Method not allowed")

    def _search(self, path: str, kind: str, query: dict[str, str]) -> tuple[int, Any]:
        self.searches.append({"kind": kind, **query})
        pool = self.local if kind == "Local" else self.toll_free
        owned = {n["phone_number"] for n in self.owned.values()}
        found = [n for n in pool if n["phone_number"] not in owned]
        if "AreaCode" in query:
            found = [n for n in found if n["phone_number"][2:5] == query["AreaCode"]]
        if "Contains" in query:
            pattern = re.compile(re.escape(query["Contains"]).replace(r"\*", r"\d"))
            found = [n for n in found if pattern.search(n["phone_number"][1:])]
        if "InRegion" in query:
            found = [n for n in found if n["region"] == query["InRegion"]]
        size = int(query.get("PageSize", "50"))
        return 200, {"available_phone_numbers": found[:size], "uri": f"{path}?{urlencode(query)}"}

    def _check_webhook_fields(self, form: dict[str, str]) -> tuple[int, Any] | None:
        for name in ("VoiceMethod", "StatusCallbackMethod", "VoiceFallbackMethod"):
            if name in form and form[name] not in METHODS:
                return _error(400, 21208, f"{name} is not valid")
        for name in ("VoiceUrl", "StatusCallback", "VoiceFallbackUrl"):
            if name in form and not re.match(r"^https?://", form[name]):
                return _error(400, 21502, f"{name} is not a valid URL")
        return None

    def _buy(self, form: dict[str, str]) -> tuple[int, Any]:
        unknown = set(form) - CREATE_FIELDS
        if unknown:
            return _error(400, 20001, f"Unknown parameters: {', '.join(sorted(unknown))}")
        if "PhoneNumber" not in form and "AreaCode" not in form:
            return _error(400, 21452, "A 'PhoneNumber' or 'AreaCode' is required")
        if invalid := self._check_webhook_fields(form):
            return invalid
        candidates = [n for n in self.local + self.toll_free if n["phone_number"] == form.get("PhoneNumber")]
        if not candidates or any(o["phone_number"] == form["PhoneNumber"] for o in self.owned.values()):
            return _error(400, 21422, f"PhoneNumber {form.get('PhoneNumber')} is not available")
        return 201, self.add_owned(
            candidates[0]["phone_number"],
            friendly_name=form.get("FriendlyName", candidates[0]["friendly_name"]),
            **{key: form[key] for key in form if key not in ("PhoneNumber", "FriendlyName", "AreaCode")},
        )

    def _update(self, sid: str, form: dict[str, str]) -> tuple[int, Any]:
        unknown = set(form) - UPDATE_FIELDS
        if unknown:
            return _error(400, 20001, f"Unknown parameters: {', '.join(sorted(unknown))}")
        if invalid := self._check_webhook_fields(form):
            return invalid
        record = self.owned[sid]
        for key, value in form.items():
            record[_snake(key)] = value
        return 200, record

    def _list(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        size, page = int(query.get("PageSize", "50")), int(query.get("Page", "0"))
        records = sorted(self.owned.values(), key=lambda r: r["date_created"])
        chunk = records[page * size : (page + 1) * size]
        more = (page + 1) * size < len(records)
        next_uri = f"{path}?{urlencode({'PageSize': size, 'Page': page + 1})}" if more else None
        return 200, {
            "incoming_phone_numbers": chunk,
            "page": page,
            "page_size": size,
            "start": page * size,
            "end": page * size + len(chunk) - 1,
            "uri": f"{path}?{urlencode({'PageSize': size, 'Page': page})}",
            "first_page_uri": f"{path}?{urlencode({'PageSize': size, 'Page': 0})}",
            "next_page_uri": next_uri,
            "previous_page_uri": None,
        }

    # ---- test set-up -----------------------------------------------------------------------------

    def add_owned(self, phone_number: str, *, friendly_name: str = "", **webhooks: str) -> dict[str, Any]:
        """A number in the Twilio account (bought here, or already there before the platform)."""
        sid = "PN" + uuid.uuid4().hex
        record: dict[str, Any] = {
            "account_sid": ACCOUNT_SID,
            "address_requirements": "none",
            "api_version": "2010-04-01",
            "beta": False,
            "capabilities": {"voice": True, "sms": True, "mms": False, "fax": False},
            "date_created": f"Thu, 30 Jul 2015 23:19:{len(self.owned):02d} +0000",
            "date_updated": "Thu, 30 Jul 2015 23:19:04 +0000",
            "friendly_name": friendly_name or phone_number,
            "phone_number": phone_number,
            "origin": "twilio",
            "sid": sid,
            "sms_url": "",
            "status_callback": "",
            "status_callback_method": "POST",
            "voice_url": None,
            "voice_method": "POST",
            "voice_fallback_url": None,
            "voice_fallback_method": "POST",
            "status": "in-use",
            "type": "local",
            "uri": API.format(account=ACCOUNT_SID) + f"/IncomingPhoneNumbers/{sid}.json",
        }
        for key, value in webhooks.items():
            record[_snake(key)] = value
        self.owned[sid] = record
        return record

    def by_number(self, phone_number: str) -> dict[str, Any] | None:
        return next((r for r in self.owned.values() if r["phone_number"] == phone_number), None)

    # ---- adapters --------------------------------------------------------------------------------

    async def _aiohttp(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()} if request.method == "POST" else {}
        status, payload = self.handle(
            request.method, request.path, dict(request.query), form, request.headers.get("Authorization", "")
        )
        if payload is None:
            return web.Response(status=status)
        return web.json_response(payload, status=status)

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            form = dict(httpx.QueryParams(request.content.decode())) if request.method == "POST" else {}
            status, payload = self.handle(
                request.method,
                request.url.path,
                dict(request.url.params),
                form,
                request.headers.get("authorization", ""),
            )
            return httpx.Response(status, content=b"" if payload is None else json.dumps(payload).encode())

        return httpx.MockTransport(handler)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _error(status: int, code: int, message: str) -> tuple[int, Any]:
    return status, {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


@asynccontextmanager
async def serve(fake: FakeTwilio) -> AsyncIterator[str]:
    """Serves ``fake`` on a loopback port; yields its base URL."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake._aiohttp)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield fake.url
    finally:
        await runner.cleanup()
