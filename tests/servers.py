"""Real server processes (``python -m callcenter.cli serve``) for tests that need them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

TEST_DEADLINE_MS = 10_000
"""The webhook deadlines of tests other than those about them (tests/calls/test_outage.py, production's
1.5 s): a stall of a busy test machine must not turn a call into a fallback."""
TEST_DEADLINES = {
    "CALLCENTER_VOICE_DEADLINE_MS": str(TEST_DEADLINE_MS),
    "CALLCENTER_CALLBACK_DEADLINE_MS": str(TEST_DEADLINE_MS),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One ``callcenter serve`` process on a free loopback port."""

    def __init__(self, env: dict[str, str], *, cwd: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            CALLCENTER_PUBLIC_URL=self.url,
            CALLCENTER_SECRET_KEY="test-secret",
            CALLCENTER_LOG_LEVEL="WARNING",
            **TEST_DEADLINES,
            **env,
        )
        command = [sys.executable, "-m", "callcenter.cli", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(  # noqa: S603
            command, env=self.env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            assert self.process.poll() is None, "server exited"
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@contextmanager
def servers(count: int, env: dict[str, str], *, cwd: Path) -> Iterator[list[Server]]:
    started = [Server(env, cwd=cwd) for _ in range(count)]
    try:
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()
