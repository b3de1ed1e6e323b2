"""A lean HTTP/1.1 client for bidder pings: the same contract as ``kit/http.py``, a fraction of the CPU.

Why a second client: an auction sends every bidder's ping at once and many calls run auctions together,
so the process sends bursts of a thousand small requests, and every microsecond of CPU per request
delays the last ping of a burst and the end of every auction behind it. aiohttp's request and response
machinery is general (redirects, cookies, compression, tracing, streams); a ping needs none of it. This
client does only what a ping needs, on asyncio transports and the ``httptools`` (llhttp) response
parser: in ``bench/rtb_auction.py`` an auction's ping costs the process about 160-210 us of CPU in all
(rendering, sending, reading, judging, the event loop, the kernel) against 420-520 us through aiohttp in
the same runs, and the auctions' overhead is the lowest of the clients compared (``docs/performance.md``,
"RTB auction fan-out"). The app creates it as
``app.state.pings``; pixels and webhooks (the outbox) stay on ``kit/http.py``: they are few, and they
may follow redirects.

Rules (the same as ``kit/http.py`` unless said otherwise):
- One pool per process with at most ``max_connections`` connections open (2,048 by default), with no
  per-host limit. Idle connections are kept per (scheme, host, port) and reused, the most recently used
  first, for ``KEEPALIVE_S`` at most. A request finding the pool full takes the place of an idle
  connection to another host, or else waits for a connection to be released or closed; the waits, and
  the requests whose deadline passed (or that were cancelled) while waiting, are counted (:meth:`stats`).
- A connection goes back to the pool only after a complete response that allows keep-alive. It is
  closed after ``Connection: close``, an HTTP/1.0 response without keep-alive, a body delimited by the
  end of the connection, or any error.
- A request abandoned while its response is awaited (its timeout, or the caller cancelling it: an
  auction cancels the pings still running at its deadline) leaves its connection draining: the late
  answer is read and dropped, never handed to anyone, and the connection then goes back to the pool as
  after any complete response; with no whole answer within ``DRAIN_S`` it is closed. Slow bidders are
  the usual ones to answer late: their next ping needs no new connection (nor a TLS handshake), and the
  auction's end closes no sockets. Draining connections count as open; when the pool is full one is
  closed, the longest draining first, after the idle ones.
- A request sent on a reused idle connection that the server closed before sending any byte of a
  response (it timed the idle connection out as the request left) is sent again, once, on a new
  connection. Nothing else is retried: a bidder that received the ping and then failed is not pinged
  twice.
- Every request has a total deadline (``timeout_s``: name resolution, waiting for the pool, connecting,
  the TLS handshake, sending, waiting and reading together); going past it is :class:`Timeout`. Without
  one (``None``) the caller bounds the request by cancelling it: an auction's pings that would outlive
  the auction need no timer each, the auction's deadline cancels them.
- A body (``Content-Length``, chunked, or until the connection closes) is read up to ``max_body_bytes``
  (64 KiB by default); beyond that :class:`BodyTooLarge`. No ``Accept-Encoding`` is sent, so bodies come
  as they are (identity).
- SSRF guard: an IP literal must be public unless ``allow_private``; a host name is resolved (cached
  ``DNS_TTL_S``), every address it resolves to must be public, and the connection is made to one of those
  checked addresses, never to the name again (no DNS rebinding window between check and connection).
  Anything else than http(s) is :class:`Refused`.
- No redirects: a 3xx is returned as it is (a bidder's answer is in the ping's response or nowhere).
  Asking for ``max_redirects`` > 0 is a programming error (``ValueError``): such callers use
  ``kit/http.py``, whose every hop passes the destination check.
- Sent headers: ``Host``, ``User-Agent`` (the caller's own replaces it), ``Content-Length`` (when there
  is a body) and the caller's headers. The framing is the client's: a caller's ``Host``,
  ``Content-Length``, ``Transfer-Encoding`` or ``Connection`` is left out. A header name or value holding
  a line break or a character outside Latin-1 is refused (:class:`ConnectionFailed`) rather than sent,
  so a bidder's configured header cannot inject another.
- Methods are the pings' (GET, POST; any other word); HEAD is refused (``ValueError``): its response
  announces a body that never comes.
- No cookies are kept; HTTPS checks the certificate and the host name (``ssl.create_default_context()``
  unless a context is given).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast
from urllib.parse import quote, urlsplit

import httptools

from callcenter.kit.http import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONNECTIONS,
    USER_AGENT,
    BodyTooLarge,
    ConnectionFailed,
    HttpResponse,
    Refused,
    Timeout,
)
from callcenter.kit.url_safety import is_public_address

KEEPALIVE_S = 15.0
"""How long an idle connection is kept: shorter than the idle timeout of common servers (nginx 75 s,
Node 5 s is the exception, covered by the retry on a fresh connection)."""
DNS_TTL_S = 10.0
DRAIN_S = 2.0
"""How long the late answer to an abandoned request is awaited, to keep its connection (see the rules)."""

PoolKey = tuple[str, str, int]
_STATUS_NO_BODY = frozenset({204, 304})
# Characters left as they are in the request target: everything legal in a path or query, and "%" so
# that an already-encoded URL is not encoded twice.
_TARGET_SAFE = "!#$%&'()*+,/:;=?@[]~"


@dataclass(frozen=True, slots=True)
class _Destination:
    """What a URL says about where and what to send (parsed once per distinct URL)."""

    key: PoolKey
    head: bytes  # the request line after the method, and the Host header
    literal: str | None  # the host, when it is an IP address


@dataclass(frozen=True, slots=True)
class PoolStats:
    """The pool now (``open``: ``in_use``, ``idle`` and ``draining`` together; ``waiting``) and since the
    client started (``waits``: requests that found the pool full; ``pool_timeouts``: requests whose
    deadline passed, or that were cancelled, while waiting for a connection; ``connects``; ``retries``)."""

    open: int
    in_use: int
    idle: int
    draining: int
    waiting: int
    waits: int
    pool_timeouts: int
    connects: int
    retries: int


class _Stale(ConnectionFailed):
    """A reused connection closed by the server before any byte of the response arrived."""


class _Stop(Exception):
    """Raised in a parser callback to stop parsing; the reason is in ``_Connection.error``."""


@lru_cache(maxsize=1024)
def _destination(url: str) -> _Destination:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise Refused("only absolute http:// or https:// URLs are allowed")
    host = parts.hostname
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise ConnectionFailed(f"invalid port in {url!r}") from exc
    try:
        literal: str | None = str(ipaddress.ip_address(host))
    except ValueError:
        literal = None
    if literal is not None:
        authority = f"[{literal}]" if ":" in literal else literal
    else:
        try:
            authority = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise ConnectionFailed(f"invalid host name {host!r}") from exc
    if parts.port is not None:
        authority = f"{authority}:{port}"
    target = quote(parts.path or "/", safe=_TARGET_SAFE)
    if parts.query:
        target += "?" + quote(parts.query, safe=_TARGET_SAFE)
    head = f" {target} HTTP/1.1\r\nHost: {authority}\r\n"
    return _Destination(key=(scheme, host, port), head=head.encode("ascii"), literal=literal)


@lru_cache(maxsize=4096)
def _public(address: str) -> bool:
    return is_public_address(address)


_DEFAULT_USER_AGENT = f"User-Agent: {USER_AGENT}\r\n".encode()
# The message's framing is the client's: a caller's header cannot change where the request ends.
_FRAMING = frozenset({"host", "content-length", "transfer-encoding", "connection"})


def _encode_headers(headers: Mapping[str, str] | None) -> bytes:
    """The caller's headers, with our User-Agent unless the caller sends its own."""
    if not headers:
        return _DEFAULT_USER_AGENT
    lines = []
    user_agent = False
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in _FRAMING:
            continue
        user_agent = user_agent or lowered == "user-agent"
        line = f"{name}: {value}\r\n"
        if "\r" in line[:-2] or "\n" in line[:-2] or not name or ":" in name:
            raise ConnectionFailed(f"invalid header {name!r}")
        lines.append(line)
    try:
        encoded = "".join(lines).encode("latin-1")
    except UnicodeEncodeError as exc:
        raise ConnectionFailed("a header holds a character outside Latin-1") from exc
    return encoded if user_agent else _DEFAULT_USER_AGENT + encoded


class _Connection(asyncio.Protocol):
    """One keep-alive connection and the response being read on it (one request at a time)."""

    def __init__(self, pool: LeanHttp, key: PoolKey) -> None:
        self.pool = pool
        self.key = key
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.closed = False
        self.idle_since = 0.0
        self.reused = False
        self.waiter: asyncio.Future[None] | None = None
        self.draining: asyncio.TimerHandle | None = None  # the end of its drain, while draining
        self.cap = 0
        self.error: Exception | None = None
        self._reset()

    def _reset(self) -> None:
        self.status = 0
        self.header_list: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.size = 0
        self.received = False
        self.headers_done = False
        self.complete = False
        self.keep_alive = False
        self.delimited = False  # the body's end is known (Content-Length, chunked or no body)

    # --- asyncio.Protocol ---

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without deriving from it: no isinstance check.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        waiter = self.waiter
        if self.draining is None and (waiter is None or waiter.done()):
            # Bytes nobody asked for (on an idle connection): the stream can no longer be trusted.
            self.close()
            return
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(ConnectionFailed("the server switched protocols"))
        except httptools.HttpParserError as exc:
            # A callback's own exception reaches here wrapped (HttpParserCallbackError).
            self._fail(self.error or ConnectionFailed(f"invalid HTTP response: {exc}"))

    def eof_received(self) -> bool:
        return False  # close the transport; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.transport = None
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            if self.headers_done and not self.delimited:
                self.complete = True  # the body ran until the connection closed: that is its end
                waiter.set_result(None)
            elif not self.received and self.reused:
                waiter.set_exception(_Stale("the server closed the idle connection"))
            else:
                reason = f": {exc}" if exc is not None else ""
                waiter.set_exception(ConnectionFailed(f"the connection closed before the response{reason}"))
        self.pool._forget(self)

    # --- httptools callbacks ---

    def on_message_begin(self) -> None:
        if self.complete:
            # More than the one response asked for: the bytes are not an answer to anything.
            self.error = ConnectionFailed("the server sent an unsolicited response")
            raise _Stop

    def on_header(self, name: bytes, value: bytes) -> None:
        self.header_list.append((name, value))

    def on_headers_complete(self) -> None:
        self.status = self.parser.get_status_code()
        self.headers_done = True
        self.delimited = self.status in _STATUS_NO_BODY or self.status < 200
        for name, value in self.header_list:
            lowered = name.lower()
            if lowered == b"content-length":
                self.delimited = True
                if value.strip().isdigit() and int(value) > self.cap:
                    self.error = BodyTooLarge(f"response body of {int(value)} bytes is over {self.cap} bytes")
                    raise _Stop
            elif lowered == b"transfer-encoding" and b"chunked" in value.lower():
                self.delimited = True

    def on_body(self, body: bytes) -> None:
        self.size += len(body)
        if self.size > self.cap:
            self.error = BodyTooLarge(f"response body is over {self.cap} bytes")
            raise _Stop
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        if self.status < 200:
            self._reset()  # an interim answer (100 Continue): the real one follows
            self.received = True
            return
        self.complete = True
        self.keep_alive = self.parser.should_keep_alive()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)
        elif self.draining is not None:
            self.pool._drained(self)

    # --- use ---

    def itself(self) -> _Connection:
        """The protocol factory ``create_connection`` calls: this connection."""
        return self

    def _fail(self, exc: Exception) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)
        self.close()

    def close(self) -> None:
        """Closes at once (no graceful shutdown: nothing more is wanted from the peer)."""
        if self.transport is not None:
            self.transport.abort()
            self.transport = None
        self.closed = True

    def abandoned(self) -> bool:
        """Its request gave up waiting (timeout, cancellation) while the response may still come."""
        waiter = self.waiter
        return waiter is not None and waiter.cancelled() and not self.complete and not self.closed

    def exchange(self, request: bytes, cap: int) -> asyncio.Future[None]:
        """Sends the request; the future is done when the whole response is in (the caller bounds the
        wait). A plain function, not a coroutine: one object less per request."""
        if self.transport is None:
            # Closed by the peer between connecting and this request: nothing was sent.
            raise ConnectionFailed("the connection closed before the request was sent")
        self._reset()
        self.cap = cap
        self.error = None
        self.waiter = waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return waiter


def _message(
    method: str, destination: _Destination, headers: Mapping[str, str] | None, body: bytes | None
) -> bytes:
    framing = b"Content-Length: %d\r\n\r\n" % len(body) if body is not None else b"\r\n"
    return b"".join(
        (method.encode("ascii"), destination.head, _encode_headers(headers), framing, body or b"")
    )


_NO_DEADLINE = contextlib.nullcontext()
"""The deadline of a request without one: reusable, so such a request allocates no timeout object."""


class LeanHttp:
    """The pings' client (an ``HttpClient``). It needs no opening; :meth:`close` closes every connection."""

    def __init__(
        self,
        *,
        allow_private: bool,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        ssl_context: ssl.SSLContext | None = None,
        drain_s: float = DRAIN_S,
    ) -> None:
        self.allow_private = allow_private
        self.drain_s = drain_s
        self.max_connections = max_connections
        self.max_body_bytes = max_body_bytes
        self._ssl_context = ssl_context
        self._idle: dict[PoolKey, list[_Connection]] = {}
        self._idle_count = 0
        self._draining: dict[_Connection, None] = {}  # in the order they started draining
        self._open = 0  # connections open, in use or idle, and connections being made
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._dns: dict[tuple[str, int], tuple[float, list[tuple[int, str]]]] = {}
        self._resolving: dict[tuple[str, int], asyncio.Task[list[tuple[int, str]]]] = {}
        self._last_sweep = time.monotonic()
        self._waits = self._pool_timeouts = self._connects = self._retries = 0
        self._closed = False

    def stats(self) -> PoolStats:
        return PoolStats(
            open=self._open,
            in_use=self._open - self._idle_count - len(self._draining),
            idle=self._idle_count,
            draining=len(self._draining),
            waiting=len(self._waiters),
            waits=self._waits,
            pool_timeouts=self._pool_timeouts,
            connects=self._connects,
            retries=self._retries,
        )

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
        ``OutboundError`` when no response could be read."""
        if max_redirects:
            raise ValueError("the lean client follows no redirects: use kit/http.py's OutboundHttp")
        if not method.isalpha() or method.upper() == "HEAD":
            raise ValueError(f"unsupported method {method!r}")
        started = time.perf_counter()
        cap = self.max_body_bytes if max_body_bytes is None else max_body_bytes
        destination = _destination(url)
        if destination.literal is not None and not self.allow_private and not _public(destination.literal):
            raise Refused(f"the address {destination.literal} is private or reserved")
        payload = _message(method, destination, headers, body)
        connection: _Connection | None = None
        try:
            async with asyncio.timeout(timeout_s) if timeout_s is not None else _NO_DEADLINE:
                connection = self._take_idle(destination.key) or await self._acquire(destination)
                try:
                    await connection.exchange(payload, cap)
                except _Stale:
                    self._retries += 1
                    self._release(connection)
                    connection = None
                    connection = await self._acquire(destination, fresh=True)
                    await connection.exchange(payload, cap)
        except TimeoutError as exc:
            raise Timeout.after(timeout_s) from exc
        finally:
            # Unless the response came whole, the connection is closed, or drained when the request
            # was abandoned while waiting for its answer (its deadline, the auction cancelling the ping).
            if connection is not None:
                if connection.abandoned():
                    self._drain(connection)
                else:
                    self._release(connection)
        assert connection is not None
        return HttpResponse(
            status=connection.status,
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in connection.header_list},
            body=b"".join(connection.chunks),
            url=url,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    # --- the pool ---

    async def _acquire(self, destination: _Destination, *, fresh: bool = False) -> _Connection:
        key = destination.key
        while True:
            if not fresh:
                connection = self._take_idle(key)
                if connection is not None:
                    return connection
            if self._open < self.max_connections:
                break
            if self._idle_count:
                self._evict_one()
                continue
            if self._draining:
                oldest = next(iter(self._draining))  # the one draining the longest
                self._stop_draining(oldest)
                self._discard(oldest)
                continue
            await self._wait_for_room()
        self._open += 1
        try:
            connection = await self._connect(destination)
        except BaseException:
            self._open -= 1
            self._wake()
            raise
        self._connects += 1
        return connection

    def _take_idle(self, key: PoolKey) -> _Connection | None:
        idle = self._idle.get(key)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            self._idle_count -= 1
            if not connection.closed and now - connection.idle_since < KEEPALIVE_S:
                connection.reused = True
                return connection
            self._discard(connection)
        return None

    def _evict_one(self) -> None:
        """Closes the idle connection unused the longest, to make room for another host's."""
        oldest: _Connection | None = None
        for connections in self._idle.values():
            if connections and (oldest is None or connections[0].idle_since < oldest.idle_since):
                oldest = connections[0]
        assert oldest is not None
        self._idle[oldest.key].remove(oldest)
        self._idle_count -= 1
        self._discard(oldest)

    async def _wait_for_room(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self._waits += 1
        try:
            await waiter
        except BaseException:
            self._pool_timeouts += 1
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            elif waiter.done() and not waiter.cancelled():
                self._wake()  # the room this waiter was given goes to the next one
            raise

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _release(self, connection: _Connection) -> None:
        if connection.complete and connection.keep_alive and not connection.closed and not self._closed:
            connection.reused = False
            connection.idle_since = time.monotonic()
            self._idle.setdefault(connection.key, []).append(connection)
            self._idle_count += 1
            if connection.idle_since - self._last_sweep > KEEPALIVE_S:
                self._sweep(connection.idle_since)
        else:
            self._discard(connection)
        self._wake()

    def _discard(self, connection: _Connection) -> None:
        """Closes a connection taken out of the pool (in use, or just removed from the idle lists)."""
        if connection.pool is self:
            connection.pool = _DETACHED
            connection.close()
            self._open -= 1

    def _drain(self, connection: _Connection) -> None:
        if self._closed:
            self._release(connection)  # closed: the client keeps no connection any more
            return
        connection.draining = asyncio.get_running_loop().call_later(
            self.drain_s, self._drain_expired, connection
        )
        self._draining[connection] = None
        self._wake()  # a request waiting for room may take it: a draining connection can be closed for it

    def _stop_draining(self, connection: _Connection) -> None:
        if connection.draining is not None:
            connection.draining.cancel()
            connection.draining = None
        self._draining.pop(connection, None)

    def _drained(self, connection: _Connection) -> None:
        """The late answer came whole: the connection is as after any response."""
        self._stop_draining(connection)
        self._release(connection)

    def _drain_expired(self, connection: _Connection) -> None:
        self._stop_draining(connection)
        self._discard(connection)
        self._wake()

    def _forget(self, connection: _Connection) -> None:
        """A connection closed by the peer (or after an error): out of the idle lists or the draining
        ones if it was there, and its room freed."""
        if connection.draining is not None:
            self._drain_expired(connection)
            return
        idle = self._idle.get(connection.key)
        if idle and connection in idle:
            idle.remove(connection)
            self._idle_count -= 1
            self._discard(connection)
            self._wake()

    def _sweep(self, now: float) -> None:
        self._last_sweep = now
        for key, connections in list(self._idle.items()):
            kept = []
            for connection in connections:
                if now - connection.idle_since < KEEPALIVE_S and not connection.closed:
                    kept.append(connection)
                else:
                    self._discard(connection)
            self._idle_count -= len(connections) - len(kept)
            if kept:
                self._idle[key] = kept
            else:
                del self._idle[key]

    # --- connecting ---

    async def _connect(self, destination: _Destination) -> _Connection:
        scheme, host, port = destination.key
        if destination.literal is not None:
            addresses = [(0, destination.literal)]
        else:
            addresses = await self._resolve(host, port)
        tls = self._tls() if scheme == "https" else None
        error: OSError | None = None
        for family, address in addresses:
            connection = _Connection(self, destination.key)
            try:
                await asyncio.get_running_loop().create_connection(
                    connection.itself,
                    host=address,
                    port=port,
                    family=family,
                    ssl=tls,
                    server_hostname=host if tls is not None else None,
                )
            except OSError as exc:  # refused, unreachable, certificate refused (ssl.SSLError)
                error = exc
                continue
            return connection
        raise ConnectionFailed(f"cannot connect to {host}:{port}: {error}")

    def _tls(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context

    async def _resolve(self, host: str, port: int) -> list[tuple[int, str]]:
        """The host's addresses, every one checked (unless ``allow_private``); cached ``DNS_TTL_S``, and
        looked up once however many requests ask at the same time."""
        cached = self._dns.get((host, port))
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        task = self._resolving.get((host, port))
        if task is None:
            task = asyncio.ensure_future(self._lookup(host, port))
            self._resolving[(host, port)] = task
            task.add_done_callback(self._resolved)
        return await asyncio.shield(task)

    def _resolved(self, task: asyncio.Task[list[tuple[int, str]]]) -> None:
        for key, running in list(self._resolving.items()):
            if running is task:
                del self._resolving[key]
        if not task.cancelled():
            task.exception()  # retrieved: every request that asked was cancelled before it ended

    async def _lookup(self, host: str, port: int) -> list[tuple[int, str]]:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise ConnectionFailed(f"cannot resolve {host!r}: {exc}") from exc
        addresses: list[tuple[int, str]] = list(dict.fromkeys((int(i[0]), str(i[4][0])) for i in infos))
        if not addresses:
            raise ConnectionFailed(f"{host!r} resolves to no address")
        if not self.allow_private and any(not _public(address) for _, address in addresses):
            raise Refused(f"the host {host!r} resolves to a private or reserved address")
        self._dns[(host, port)] = (time.monotonic() + DNS_TTL_S, addresses)
        return addresses

    async def close(self) -> None:
        """Closes every idle connection; connections in use close when their request ends. The client
        can still be used (a test's app may ping after its shutdown): it then keeps no connection."""
        self._closed = True
        for connections in self._idle.values():
            for connection in connections:
                self._discard(connection)
        self._idle.clear()
        self._idle_count = 0
        for connection in list(self._draining):
            self._drain_expired(connection)
        for task in self._resolving.values():
            task.cancel()


class _Detached:
    """The pool of a connection already accounted for as closed: its late callbacks change nothing."""

    def _forget(self, connection: Any) -> None:
        pass

    def _drained(self, connection: Any) -> None:
        pass


_DETACHED: Any = _Detached()
