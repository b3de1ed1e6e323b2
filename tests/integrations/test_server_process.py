"""The server delivers integrations by itself: ``callcenter serve`` runs the outbox worker in its own
process, woken by the commit of the call change (no separate worker needed in the embedded setup)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from pathlib import Path

import httpx
import pytest

from callcenter.telephony.emulator import TwilioEmulator
from tests.integrations.receiver import Receiver, serve

pytestmark = pytest.mark.slow
SECRET = "server-process-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _cli(*args: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "callcenter.cli",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_a_running_server_delivers_a_calls_webhook_without_a_separate_worker(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        CALLCENTER_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'cc.db'}",
        CALLCENTER_PORT=str(port),
        CALLCENTER_PUBLIC_URL=base,
        CALLCENTER_SECRET_KEY=SECRET,
        CALLCENTER_REDIS_URL="",
        CALLCENTER_ALLOW_PRIVATE_URLS="true",
        CALLCENTER_LOG_LEVEL="WARNING",
    )
    seeded = await _cli("demo", env=env, cwd=tmp_path)
    assert await seeded.wait() == 0
    server = await _cli("serve", env=env, cwd=tmp_path)
    try:
        async with serve(Receiver()) as receiver, httpx.AsyncClient(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if (await client.get("/api/health")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "server did not start"
                await asyncio.sleep(0.2)
            login = await client.post(
                "/api/auth/login", json={"email": "demo@example.com", "password": "demo1234"}
            )
            assert login.status_code == 200, login.text
            hook = await client.post(
                "/api/integrations",
                json={
                    "name": "Completed hook",
                    "kind": "webhook",
                    "event": "completed",
                    "url": f"{receiver.url}/h",
                },
                headers={"X-Requested-With": "XMLHttpRequest"},
            )
            assert hook.status_code == 201, hook.text

            emulator = TwilioEmulator(client, public_url=base, auth_token=SECRET)
            await emulator.call(to="+14155550123", from_="+12125550100", duration=75)
            ended = time.monotonic()
            while not receiver.requests:
                assert time.monotonic() - ended < 10, "the webhook was not delivered"
                await asyncio.sleep(0.02)
            payload = receiver.requests[0]
            assert payload.headers["webhook-id"].startswith("msg_")
            assert '"type": "call.completed"' in payload.body
    finally:
        server.terminate()
        await server.wait()
