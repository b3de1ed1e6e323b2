"""Absolute webhook URLs handed to Twilio. They start with ``PUBLIC_URL`` because Twilio signs exactly the
URL it calls, and we verify signatures against the same base."""

from __future__ import annotations

import uuid


def _base(public_url: str) -> str:
    return public_url.rstrip("/")


def dial_action_url(public_url: str, call_id: uuid.UUID, attempt: int) -> str:
    return f"{_base(public_url)}/api/webhooks/dial/{call_id}?attempt={attempt}"


def recording_url(public_url: str) -> str:
    return f"{_base(public_url)}/api/webhooks/recording"


def flow_url(public_url: str, session_id: uuid.UUID) -> str:
    return f"{_base(public_url)}/api/webhooks/flow/{session_id}"
