"""Random secrets handed to clients; only their SHA-256 digests are ever stored."""

from __future__ import annotations

import hashlib
import secrets

API_KEY_PREFIX = "ccp_"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
