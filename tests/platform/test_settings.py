"""Settings come from CALLCENTER_* variables; PUBLIC_URL follows HOST and PORT unless set."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from callcenter.settings import Settings


def test_public_url_defaults_to_the_served_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_PORT", "5099")
    monkeypatch.delenv("CALLCENTER_PUBLIC_URL", raising=False)
    assert Settings(_env_file=None).public_url == "http://127.0.0.1:5099"  # type: ignore[call-arg]


def test_explicit_public_url_wins_and_https_makes_cookies_secure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCENTER_PUBLIC_URL", "https://calls.example.com")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.public_url == "https://calls.example.com"
    assert settings.cookie_secure is True


def test_a_voice_deadline_shorter_than_an_auction_needs_is_refused() -> None:
    with pytest.raises(ValidationError, match="voice_deadline_ms"):
        Settings(_env_file=None, voice_deadline_ms=1000)  # type: ignore[call-arg]
    assert Settings(_env_file=None).voice_deadline_ms == 1500  # type: ignore[call-arg]
