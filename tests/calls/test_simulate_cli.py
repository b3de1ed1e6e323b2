"""``callcenter simulate call`` drives a running server through a whole call and prints the journey."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.servers import Server


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
    env = {
        "CALLCENTER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cc.db'}",
        "CALLCENTER_REDIS_URL": "",
    }
    assert "demo@example.com / demo1234" in _cli("demo", env=dict(os.environ, **env), cwd=tmp_path).stdout
    server = Server(env, cwd=tmp_path)
    try:
        server.wait_ready()
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
            "--server",
            server.url,
            env=server.env,
            cwd=tmp_path,
        )
    finally:
        server.stop()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "<Number>+14155550100</Number>" in result.stdout
    assert "DialCallStatus=completed" in result.stdout
    assert "converted=True" in result.stdout
    for event in ("number_lookup", "routing", "dial_result", "conversion", "call_ended"):
        assert event in result.stdout
