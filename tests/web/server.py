"""The real server as a subprocess, for browser tests and the screenshot script.

It serves the built console (``src/callcenter/web/dist``) with a fresh SQLite database and the in-memory
live state, exactly as ``callcenter serve`` does for a user.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from callcenter.web.mount import BUILT_DIR
from tests.servers import TEST_DEADLINES, free_port


def console_is_built() -> bool:
    return (BUILT_DIR / "index.html").is_file()


@dataclass(frozen=True)
class ConsoleServer:
    url: str
    env: dict[str, str]
    cwd: Path

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Runs ``callcenter <args>`` against this server's database and address."""
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "callcenter.cli", *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def create_user(self, email: str, password: str, account: str) -> None:
        result = self.cli("users", "create", "--email", email, "--password", password, "--account", account)
        assert result.returncode == 0, result.stdout + result.stderr

    def simulate_call(self, *, to: str, caller: str, outcome: str = "answered", duration: int = 90) -> str:
        result = self.cli(
            "simulate",
            "call",
            "--to",
            to,
            "--from",
            caller,
            "--outcome",
            outcome,
            "--duration",
            str(duration),
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


@contextmanager
def running_server(directory: Path) -> Iterator[ConsoleServer]:
    """Starts ``callcenter serve`` on a free port with its database in ``directory``; stops it after."""
    port = free_port()
    env = dict(
        os.environ,
        CALLCENTER_DATABASE_URL=f"sqlite+aiosqlite:///{directory / 'console.db'}",
        CALLCENTER_HOST="127.0.0.1",
        CALLCENTER_PORT=str(port),
        CALLCENTER_PUBLIC_URL=f"http://127.0.0.1:{port}",
        CALLCENTER_REDIS_URL="",
        CALLCENTER_LOG_LEVEL="WARNING",
        # Bidders and pixels of the tests are loopback servers, which the SSRF guard refuses otherwise.
        CALLCENTER_ALLOW_PRIVATE_URLS="true",
        **TEST_DEADLINES,
    )
    server = ConsoleServer(url=f"http://127.0.0.1:{port}", env=env, cwd=directory)
    upgrade = server.cli("db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    log = (directory / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "callcenter.cli", "serve"], env=env, cwd=directory, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{server.url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start:\n" + (directory / "server.log").read_text())
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
