"""``callcenter simulate call`` drives a running server through a whole call and prints the journey."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "callcenter.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_simulate_call_against_a_running_server_prints_twiml_and_journey(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(
        os.environ,
        CALLCENTER_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'cc.db'}",
        CALLCENTER_PORT=str(port),
        CALLCENTER_PUBLIC_URL=f"http://127.0.0.1:{port}",
        CALLCENTER_REDIS_URL="",
        CALLCENTER_LOG_LEVEL="WARNING",
    )
    assert "demo@example.com / demo1234" in _cli("demo", env=env, cwd=tmp_path).stdout
    server = subprocess.Popen(
        [sys.executable, "-m", "callcenter.cli", "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        result = _cli(
            "simulate",
            "call",
            "--to",
            "+14155550123",
            "--from",
            "+12125550100",
            "--outcome",
            "answered",
            "--duration",
            "75",
            "--caller-state",
            "CA",
            env=env,
            cwd=tmp_path,
        )
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "<Number>+14155550100</Number>" in result.stdout
    assert "DialCallStatus=completed" in result.stdout
    assert "converted=True" in result.stdout
    for event in ("number_lookup", "routing", "dial_result", "conversion", "call_ended"):
        assert event in result.stdout
