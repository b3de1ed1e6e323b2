"""The process's outbound HTTP client for pixels and webhooks (the outbox), and the contract of every client.

Bidder pings use ``lean_http.py`` instead: the same contract (``HttpClient``, the errors, ``HttpResponse``)
at a fraction of the CPU per request, which an auction's burst of pings needs; it follows no redirects.

Rules:
- One pooled client per process, sized for fan-out: up to ``max_connections`` (2,048 by default)
  connections are open at a time, with no per-host limit.
- Every request has an explicit total deadline (``timeout_s``: name resolution, connection, sending,
  waiting and reading together); nothing ever waits unbounded. Going past it is :class:`Timeout`.
- A response body is read up to ``max_body_bytes`` (64 KiB by default, decompressed size): beyond that
  :class:`BodyTooLarge`, so a remote party cannot make a process buffer megabytes.
- SSRF guard (see ``url_safety.py``): unless ``allow_private``, a destination that is not a public
  address is :class:`Refused`. An IP literal is checked before connecting; a host name is checked by the
  connector's resolver at connection time, so the address connected to is the address checked (no DNS
  rebinding window between a check and the request).
- Redirects are not followed unless a caller asks for some (``max_redirects``); every hop passes the same
  checks, so a redirect can never lead into a private range. Without it, a 3xx is returned as it is.
- No cookies are kept: one party's cookies never reach another.
- aiohttp rather than httpx: in the same fan-out benchmark its overhead and CPU per request were lower
  (``bench/rtb_auction.py``, ``docs/performance.md``); the lean client was lower still, hence the pings'.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

from callcenter import __version__
from callcenter.kit.url_safety import UnsafeUrl, check_scheme, is_public_address

# 50 concurrent auctions of 20 bidders need 1,000 connections; twice that absorbs bursts and slow
# closes (the process's open-files limit must allow it: ulimit -n).
DEFAULT_MAX_CONNECTIONS = 2048
DEFAULT_MAX_BODY_BYTES = 64 * 1024
USER_AGENT = f"CallCenterPro/{__version__}"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 16 * 1024


class OutboundError(Exception):
    """A request that produced no usable response; the message says why, for logs and bid records."""


class Timeout(OutboundError):
    """The request's deadline passed."""

    @classmethod
    def after(cls, timeout_s: float | None) -> Timeout:
        return cls(f"no response within {timeout_s * 1000:.0f} ms" if timeout_s is not None else "timed out")


class Refused(OutboundError):
    """The destination is not allowed (private or reserved address, not http(s))."""


class ConnectionFailed(OutboundError):
    """The connection could not be made, or broke, or the response was not valid HTTP."""


class BodyTooLarge(OutboundError):
    """The response body is larger than the cap."""


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str
    elapsed_ms: float

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class HttpClient(Protocol):
    """What callers need of an outbound client (``OutboundHttp``, ``lean_http.LeanHttp``; a benchmark
    plugs in an httpx one to compare). ``timeout_s`` None: the request has no deadline of its own, the
    caller bounds it by cancelling it (an auction, at its deadline)."""

    async def request(
        self,
        method: str,
        url: str,
        *,
        timeout_s: float | None,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        max_redirects: int = 0,
        max_body_bytes: int | None = None,
    ) -> HttpResponse: ...


class _RefusedAddress(OSError):
    pass


class _PublicOnlyResolver(AbstractResolver):
    """The system resolver, refusing names that resolve to any non-public address (every one is checked,
    so a name answering with a public and a private address cannot slip through)."""

    def __init__(self, *, allow_private: bool) -> None:
        self._inner = ThreadedResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not self._allow_private and any(not is_public_address(r["host"]) for r in results):
            raise _RefusedAddress(f"the host {host!r} resolves to a private or reserved address")
        return results

    async def close(self) -> None:
        await self._inner.close()


def _check_destination(url: str, *, allow_private: bool) -> None:
    try:
        host, _ = check_scheme(url)
    except UnsafeUrl as exc:
        raise Refused(str(exc)) from exc
    if not allow_private and _private_literal(host):
        raise Refused(f"the address {host} is private or reserved")


@lru_cache(maxsize=1024)
def _private_literal(host: str) -> bool:
    """Whether ``host`` is an IP address that is not public (a name is checked by the resolver)."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not is_public_address(str(address))


async def _read_capped(response: aiohttp.ClientResponse, cap: int) -> bytes:
    length = response.content_length
    if length is not None and length > cap:
        raise BodyTooLarge(f"response body of {length} bytes is over {cap} bytes")
    if length is not None and "content-encoding" not in response.headers:
        return await response.read()  # the common case: a short body of a known, allowed size
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(_CHUNK):
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge(f"response body is over {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


class OutboundHttp:
    """The shared client. The connection pool is opened on first use, inside the running event loop, and
    closed by :meth:`close` (the app's shutdown)."""

    def __init__(
        self,
        *,
        allow_private: bool,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        trace_configs: Sequence[aiohttp.TraceConfig] = (),
    ) -> None:
        self.allow_private = allow_private
        self.max_connections = max_connections
        self.max_body_bytes = max_body_bytes
        self._trace_configs = list(trace_configs)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.max_connections,
                limit_per_host=0,
                resolver=_PublicOnlyResolver(allow_private=self.allow_private),
                ttl_dns_cache=10,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                timeout=aiohttp.ClientTimeout(total=None),
                headers={"User-Agent": USER_AGENT},
                trust_env=False,
                trace_configs=self._trace_configs or None,
            )
        return self._session

    async def request(
        self,
        method: str,
        url: str,
        *,
        timeout_s: float | None,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        max_redirects: int = 0,
        max_body_bytes: int | None = None,
    ) -> HttpResponse:
        """Sends one request and reads its response, all within ``timeout_s``; raises an
        :class:`OutboundError` when no response could be read."""
        cap = self.max_body_bytes if max_body_bytes is None else max_body_bytes
        started = time.perf_counter()
        session = self._client()
        try:
            async with asyncio.timeout(timeout_s):
                for hop in range(max_redirects + 1):
                    _check_destination(url, allow_private=self.allow_private)
                    async with session.request(
                        method, url, headers=headers, data=body, allow_redirects=False
                    ) as response:
                        location = response.headers.get("location")
                        if response.status in _REDIRECTS and location and hop < max_redirects:
                            url = str(response.url.join(URL(location)))
                            if response.status == 303 or (response.status in (301, 302) and method != "GET"):
                                method, body = "GET", None
                            continue
                        payload = await _read_capped(response, cap)
                        return HttpResponse(
                            status=response.status,
                            headers={k.lower(): v for k, v in response.headers.items()},
                            body=payload,
                            url=str(response.url),
                            elapsed_ms=(time.perf_counter() - started) * 1000,
                        )
                raise ConnectionFailed(f"more than {max_redirects} redirects")
        except TimeoutError as exc:
            raise Timeout.after(timeout_s) from exc
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, _RefusedAddress):
                raise Refused(str(exc.os_error)) from exc
            raise ConnectionFailed(f"cannot connect: {exc.os_error}") from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise ConnectionFailed(f"{type(exc).__name__}: {exc}") from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
