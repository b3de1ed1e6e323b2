"""The pings' lean HTTP/1.1 client against real loopback servers: keep-alive, framing, body cap, deadline,
cancellation, pool limit, SSRF guard and TLS."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvloop

from callcenter.kit.http import USER_AGENT, BodyTooLarge, ConnectionFailed, Refused, Timeout
from callcenter.kit.lean_http import LeanHttp
from tests.servers import free_port

HANG = b"<hang>"
CLOSE = b"<close>"
LATER = b"<later>"


def ok(body: bytes = b'{"bid": 1}', *extra: str) -> bytes:
    head = "".join(f"{line}\r\n" for line in extra)
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), head.encode(), body)


@dataclass
class Request:
    connection: int
    head: str
    body: bytes

    def header(self, name: str) -> list[str]:
        lines = self.head.split("\r\n")[1:]
        return [v.strip() for n, _, v in (line.partition(":") for line in lines) if n.lower() == name]


Respond = Callable[[Request], bytes]


@dataclass
class RawServer:
    """An HTTP/1.1 server on 127.0.0.1 written with asyncio streams, answering each request with the
    bytes ``respond`` gives for it (``HANG``: never answer; ``CLOSE``: close without answering; bytes
    ending with ``CLOSE``: send the rest, then close; starting with ``LATER``: send the rest after 50 ms)."""

    respond: Respond
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    closed_by_client: int = 0
    _server: asyncio.Server | None = None
    tls: ssl.SSLContext | None = None
    _writers: list[asyncio.StreamWriter] = field(default_factory=list)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"{'https' if self.tls else 'http'}://127.0.0.1:{port}"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        number = self.connections
        try:
            while True:
                try:
                    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                except asyncio.IncompleteReadError:
                    self.closed_by_client += 1
                    return
                request = Request(number, head, b"")
                length = request.header("content-length")
                if length:
                    request.body = await reader.readexactly(int(length[0]))
                self.requests.append(request)
                answer = self.respond(request)
                if answer == HANG:
                    if not await reader.read(1):
                        self.closed_by_client += 1
                    return
                if answer.startswith(LATER):
                    await asyncio.sleep(0.05)
                    answer = answer.removeprefix(LATER)
                if answer.endswith(CLOSE):
                    writer.write(answer.removesuffix(CLOSE))
                    await writer.drain()
                    return
                writer.write(answer)
                await writer.drain()
        except ConnectionError:
            self.closed_by_client += 1
        finally:
            writer.close()


Serve = Callable[..., Awaitable[RawServer]]


async def until(condition: Callable[[], bool], timeout_s: float = 2.0) -> None:
    """Waits for what happens after a timer or on the other side of a socket (late on a busy machine);
    the caller then asserts the state it waited for."""
    for _ in range(int(timeout_s / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    started: list[RawServer] = []

    async def start(respond: Respond, *, tls: ssl.SSLContext | None = None) -> RawServer:
        server = RawServer(respond, tls=tls)
        await server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[LeanHttp]:
    client = LeanHttp(allow_private=True, max_body_bytes=1024)
    yield client
    await client.close()


async def test_sequential_requests_share_one_kept_alive_connection(serve: Serve, http: LeanHttp) -> None:
    server = await serve(lambda r: ok(b"%d" % len(r.body), "Content-Type: application/json; charset=utf-8"))
    for i in range(3):
        response = await http.request(
            "POST", f"{server.url}/bid?n={i}", timeout_s=2, body=b"x" * i, headers={"X-Key": "k"}
        )
        assert (response.status, response.body, response.content_type) == (200, b"%d" % i, "application/json")
    assert server.connections == 1
    first = server.requests[0]
    assert first.head.startswith("POST /bid?n=0 HTTP/1.1\r\n")
    assert first.header("host") == [server.url.removeprefix("http://")]
    assert (first.header("user-agent"), first.header("x-key")) == ([USER_AGENT], ["k"])
    assert first.header("content-length") == ["0"] and server.requests[2].body == b"xx"
    assert first.header("accept-encoding") == []
    assert http.stats().idle == 1


async def test_a_get_without_body_sends_no_content_length(serve: Serve, http: LeanHttp) -> None:
    server = await serve(lambda r: ok())
    await http.request("GET", f"{server.url}/ping?caller=%2B1212 5550", timeout_s=2)
    (request,) = server.requests
    assert request.head.startswith("GET /ping?caller=%2B1212%205550 HTTP/1.1\r\n")
    assert request.header("content-length") == []


async def test_idle_connection_closed_by_the_server_is_replaced(serve: Serve, http: LeanHttp) -> None:
    server = await serve(lambda r: ok() + CLOSE)  # keep-alive announced, yet closed right after
    await http.request("GET", f"{server.url}/a", timeout_s=2)
    await asyncio.sleep(0.05)  # the close reaches the client while the connection is idle
    assert http.stats().idle == 0
    response = await http.request("GET", f"{server.url}/b", timeout_s=2)
    assert (response.status, server.connections, http.stats().retries) == (200, 2, 0)


async def test_reused_connection_closed_as_the_request_arrives_is_retried_once(
    serve: Serve, http: LeanHttp
) -> None:
    # The server's idle timeout fires just as the second request arrives: closed without an answer.
    server = await serve(lambda r: ok() if r.head.startswith("GET /first") or r.connection > 1 else CLOSE)
    await http.request("GET", f"{server.url}/first", timeout_s=2)
    response = await http.request("GET", f"{server.url}/second", timeout_s=2)
    assert (response.status, server.connections, len(server.requests)) == (200, 2, 3)
    assert http.stats().retries == 1


async def test_fresh_connection_closed_without_answer_is_not_retried(serve: Serve, http: LeanHttp) -> None:
    server = await serve(lambda r: CLOSE)
    with pytest.raises(ConnectionFailed):
        await http.request("POST", f"{server.url}/bid", timeout_s=2, body=b"{}")
    assert (len(server.requests), http.stats().open) == (1, 0)


async def test_connection_close_is_honoured(serve: Serve, http: LeanHttp) -> None:
    server = await serve(lambda r: ok(b"bye", "Connection: close"))
    for _ in range(2):
        assert (await http.request("GET", f"{server.url}/x", timeout_s=2)).body == b"bye"
    assert (server.connections, http.stats().open) == (2, 0)


async def test_chunked_body_is_read_whole(serve: Serve, http: LeanHttp) -> None:
    chunked = b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"bi\r\n6\r\nd": 2}\r\n0\r\n\r\n'
    server = await serve(lambda r: chunked)
    for _ in range(2):
        assert (await http.request("GET", f"{server.url}/x", timeout_s=2)).body == b'{"bid": 2}'
    assert server.connections == 1


async def test_body_delimited_by_the_connection_closing_is_read(serve: Serve, http: LeanHttp) -> None:
    server = await serve(
        lambda r: b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end" + CLOSE
    )
    response = await http.request("GET", f"{server.url}/x", timeout_s=2)
    assert (response.body, response.headers["content-type"]) == (b"until the end", "text/plain")
    assert http.stats().open == 0


@pytest.mark.parametrize(
    "answer",
    [
        ok(b"x" * 1025),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n"
        + b"x" * 1024
        + b"\r\n1\r\nx\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 1025 + CLOSE,
    ],
    ids=["content-length", "chunked", "until-close"],
)
async def test_body_over_the_cap_is_refused(serve: Serve, http: LeanHttp, answer: bytes) -> None:
    server = await serve(lambda r: answer)
    with pytest.raises(BodyTooLarge):
        await http.request("GET", f"{server.url}/x", timeout_s=2)
    assert http.stats().open == 0


async def test_body_at_the_cap_and_a_per_request_cap(serve: Serve, http: LeanHttp) -> None:
    server = await serve(lambda r: ok(b"y" * (1024 if r.head.startswith("GET /small") else 5000)))
    assert len((await http.request("GET", f"{server.url}/small", timeout_s=2)).body) == 1024
    big = await http.request("GET", f"{server.url}/big", timeout_s=2, max_body_bytes=5000)
    assert len(big.body) == 5000


async def test_server_that_never_answers_hits_the_deadline_then_its_connection_drains_and_closes(
    serve: Serve,
) -> None:
    server = await serve(lambda r: HANG if r.head.startswith("GET /hang") else ok())
    http = LeanHttp(allow_private=True, drain_s=0.1)
    try:
        await http.request("GET", f"{server.url}/warm", timeout_s=2)
        started = time.perf_counter()
        with pytest.raises(Timeout):
            await http.request("GET", f"{server.url}/hang", timeout_s=0.15)
        # The deadline applies (the server never answers); how closely is the auction tests' concern
        # (tests/rtb/test_auction_engine.py, +20 ms), so a busy machine's stall does not fail this one.
        assert 0.15 <= time.perf_counter() - started < 0.25
        assert (http.stats().in_use, http.stats().idle, http.stats().draining) == (0, 0, 1)
        await until(lambda: server.closed_by_client == 1)
        assert (http.stats().open, http.stats().draining, server.closed_by_client) == (0, 0, 1)
        await http.request("GET", f"{server.url}/after", timeout_s=2)
        assert server.connections == 2
    finally:
        await http.close()


async def test_late_answer_to_an_abandoned_request_is_dropped_and_its_connection_reused(
    serve: Serve, http: LeanHttp
) -> None:
    server = await serve(lambda r: LATER + ok(b'{"late": 1}') if "/slow" in r.head else ok(b'{"next": 1}'))
    with pytest.raises(Timeout):
        await http.request("POST", f"{server.url}/slow", timeout_s=0.02, body=b"{}")
    assert http.stats().draining == 1
    await until(lambda: http.stats().draining == 0)  # the late answer (50 ms) comes and is read whole
    assert (http.stats().draining, http.stats().idle) == (0, 1)

    response = await http.request("POST", f"{server.url}/next", timeout_s=2, body=b"{}")

    assert response.body == b'{"next": 1}'
    assert (server.connections, len(server.requests), http.stats().connects) == (1, 2, 1)


async def test_cancelled_request_leaves_its_connection_draining_until_it_closes(serve: Serve) -> None:
    server = await serve(lambda r: HANG)
    http = LeanHttp(allow_private=True, drain_s=0.1)
    try:
        ping = asyncio.create_task(http.request("POST", f"{server.url}/bid", timeout_s=5, body=b"{}"))
        await asyncio.sleep(0.05)
        assert http.stats().in_use == 1
        ping.cancel()
        with pytest.raises(asyncio.CancelledError):
            await ping
        assert (http.stats().in_use, http.stats().idle, http.stats().draining) == (0, 0, 1)
        await until(lambda: server.closed_by_client == 1)
        assert (http.stats().open, server.closed_by_client) == (0, 1)
    finally:
        await http.close()


async def test_a_draining_connection_closes_when_its_late_answer_is_broken(
    serve: Serve, http: LeanHttp
) -> None:
    server = await serve(lambda r: LATER + b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort" + CLOSE)
    with pytest.raises(Timeout):
        await http.request("GET", f"{server.url}/x", timeout_s=0.02)
    assert http.stats().draining == 1
    await until(lambda: http.stats().open == 0)
    assert (http.stats().open, http.stats().draining, http.stats().idle) == (0, 0, 0)


async def test_a_full_pool_closes_a_draining_connection_for_a_new_request(serve: Serve) -> None:
    server = await serve(lambda r: HANG if "/hang" in r.head else ok())
    client = LeanHttp(allow_private=True, max_connections=1)
    try:
        with pytest.raises(Timeout):
            await client.request("GET", f"{server.url}/hang", timeout_s=0.05)
        assert client.stats().draining == 1
        assert (await client.request("GET", f"{server.url}/next", timeout_s=2)).status == 200
        assert (client.stats().open, client.stats().draining, client.stats().waits) == (1, 0, 0)
        assert server.connections == 2
    finally:
        await client.close()


async def test_full_pool_makes_a_request_wait_then_proceed(serve: Serve) -> None:
    server = await serve(lambda r: HANG if r.head.startswith("GET /hang") else ok())
    client = LeanHttp(allow_private=True, max_connections=1)
    try:
        hanging = asyncio.create_task(client.request("GET", f"{server.url}/hang", timeout_s=0.1))
        await asyncio.sleep(0.01)
        started = time.perf_counter()
        response = await client.request("GET", f"{server.url}/next", timeout_s=2)
        waited = time.perf_counter() - started
        with pytest.raises(Timeout):
            await hanging
        assert response.status == 200 and 0.07 < waited < 0.2
        assert (client.stats().waits, client.stats().pool_timeouts) == (1, 0)
    finally:
        await client.close()


async def test_deadline_passing_while_waiting_for_the_pool_is_counted(serve: Serve) -> None:
    server = await serve(lambda r: HANG)
    client = LeanHttp(allow_private=True, max_connections=1)
    try:
        hanging = asyncio.create_task(client.request("GET", f"{server.url}/hang", timeout_s=0.3))
        await asyncio.sleep(0.01)
        with pytest.raises(Timeout):
            await client.request("GET", f"{server.url}/other", timeout_s=0.05)
        assert (client.stats().waits, client.stats().pool_timeouts, client.stats().waiting) == (1, 1, 0)
        with pytest.raises(Timeout):
            await hanging
        assert (client.stats().in_use, client.stats().draining) == (0, 1)
    finally:
        await client.close()


async def test_full_pool_closes_an_idle_connection_to_another_host(serve: Serve) -> None:
    first, second = await serve(lambda r: ok()), await serve(lambda r: ok())
    client = LeanHttp(allow_private=True, max_connections=1)
    try:
        await client.request("GET", f"{first.url}/x", timeout_s=2)
        await client.request("GET", f"{second.url}/x", timeout_s=2)
        assert (client.stats().open, client.stats().waits) == (1, 0)
        await asyncio.sleep(0.02)
        assert first.closed_by_client == 1
    finally:
        await client.close()


async def test_connection_in_use_when_the_client_closes_is_not_kept(serve: Serve, http: LeanHttp) -> None:
    server = await serve(lambda r: LATER + ok())
    ping = asyncio.create_task(http.request("GET", f"{server.url}/x", timeout_s=2))
    await asyncio.sleep(0.01)
    await http.close()
    assert (await ping).status == 200
    assert (http.stats().open, http.stats().idle) == (0, 0)


async def test_refused_connection_is_a_connection_failure(http: LeanHttp) -> None:
    with pytest.raises(ConnectionFailed):
        await http.request("GET", f"http://127.0.0.1:{free_port()}/x", timeout_s=2)
    assert http.stats().open == 0


@pytest.mark.parametrize(
    "answer",
    [b"garbage\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent"],
    ids=["not-http", "bad-length", "truncated-head"],
)
async def test_garbage_response_is_a_connection_failure(serve: Serve, http: LeanHttp, answer: bytes) -> None:
    server = await serve(lambda r: answer + CLOSE)
    with pytest.raises(ConnectionFailed):
        await http.request("GET", f"{server.url}/x", timeout_s=2)
    assert http.stats().open == 0


async def test_unsolicited_second_response_makes_the_connection_unusable(
    serve: Serve, http: LeanHttp
) -> None:
    server = await serve(lambda r: ok(b"one") + ok(b"two"))
    assert (await http.request("GET", f"{server.url}/x", timeout_s=2)).body == b"one"
    assert (await http.request("GET", f"{server.url}/x", timeout_s=2)).body == b"one"
    assert server.connections == 2


async def test_header_with_a_line_break_is_refused_not_sent(serve: Serve, http: LeanHttp) -> None:
    server = await serve(lambda r: ok())
    with pytest.raises(ConnectionFailed):
        await http.request("GET", f"{server.url}/x", timeout_s=2, headers={"X-A": "1\r\nX-Injected: 1"})
    assert server.requests == []


async def test_caller_cannot_change_the_framing_but_can_set_its_user_agent(
    serve: Serve, http: LeanHttp
) -> None:
    server = await serve(lambda r: ok())
    headers = {"Content-Length": "999", "Host": "evil.example", "User-Agent": "Bidder-Test"}
    await http.request("POST", f"{server.url}/x", timeout_s=2, headers=headers, body=b"{}")
    (request,) = server.requests
    assert (request.header("content-length"), request.header("user-agent")) == (["2"], ["Bidder-Test"])
    assert request.header("host") == [server.url.removeprefix("http://")]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://10.0.0.1/x",
        "http://169.254.169.254/latest",
        "http://[::1]:9/",
        "http://localhost:9/x",
        "ftp://example.com/x",
    ],
)
async def test_private_destinations_are_refused_unless_allowed(url: str) -> None:
    client = LeanHttp(allow_private=False)
    try:
        with pytest.raises(Refused):
            await client.request("GET", url, timeout_s=2)
        assert client.stats().connects == 0
    finally:
        await client.close()


async def test_allow_private_reaches_a_loopback_host_name(serve: Serve, http: LeanHttp) -> None:
    server = await serve(lambda r: ok())
    port = server.url.rsplit(":", 1)[1]
    response = await http.request("GET", f"http://localhost:{port}/x", timeout_s=2)
    assert response.status == 200
    assert server.requests[0].header("host") == [f"localhost:{port}"]


async def test_redirects_head_and_odd_methods_are_caller_errors(http: LeanHttp) -> None:
    with pytest.raises(ValueError, match="redirects"):
        await http.request("GET", "http://127.0.0.1:9/", timeout_s=2, max_redirects=1)
    for method in ("HEAD", "GET /x HTTP/1.1\r\nX:"):
        with pytest.raises(ValueError, match="method"):
            await http.request(method, "http://127.0.0.1:9/", timeout_s=2)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, made with the openssl command (the
    ``cryptography`` package is not a dependency)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


async def test_https_checks_the_certificate_and_keeps_the_connection_alive(
    serve: Serve, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    server = await serve(lambda r: ok(b"secure"), tls=server_side)
    trusting = ssl.create_default_context(cafile=str(cert))
    client = LeanHttp(allow_private=True, ssl_context=trusting)
    untrusting = LeanHttp(allow_private=True)  # the system's CAs: the self-signed certificate is refused
    try:
        for _ in range(2):
            assert (await client.request("GET", f"{server.url}/x", timeout_s=2)).body == b"secure"
        assert server.connections == 1
        with pytest.raises(ConnectionFailed):
            await untrusting.request("GET", f"{server.url}/x", timeout_s=2)
    finally:
        await client.close()
        await untrusting.close()


def test_the_client_works_on_uvloop() -> None:
    """The app serves on uvloop, whose transports are not asyncio classes: reuse, deadline, cancellation."""

    async def scenario() -> None:
        server = RawServer(lambda r: HANG if r.head.startswith("GET /hang") else ok(b"uv"))
        await server.start()
        client = LeanHttp(allow_private=True, drain_s=0.05)
        try:
            for _ in range(2):
                assert (await client.request("GET", f"{server.url}/x", timeout_s=2)).body == b"uv"
            with pytest.raises(Timeout):
                await client.request("GET", f"{server.url}/hang", timeout_s=0.05)
            ping = asyncio.create_task(client.request("GET", f"{server.url}/hang", timeout_s=5))
            await asyncio.sleep(0.02)
            ping.cancel()
            with pytest.raises(asyncio.CancelledError):
                await ping
            assert (server.connections, client.stats().draining, client.stats().idle) == (2, 2, 0)
            await until(lambda: server.closed_by_client == 2)
            assert (client.stats().open, server.closed_by_client) == (0, 2)
        finally:
            await client.close()
            await server.stop()

    uvloop.run(scenario())
