"""Credentials kept in configuration (bidder and webhook headers such as ``Authorization``, webhook
signing secrets) are shown only to who may change that configuration (``config_write``: owner, admin,
manager). Readers (the reporting role) see that a credential is set, never its value."""

from __future__ import annotations

from collections.abc import Mapping

from callcenter.auth.context import AuthContext
from callcenter.auth.permissions import Permission

MASKED = "********"


def reveals_credentials(auth: AuthContext) -> bool:
    return auth.can(Permission.CONFIG_WRITE)


def headers_for(auth: AuthContext, headers: Mapping[str, str]) -> dict[str, str]:
    """The headers as ``auth`` may see them: each name, with its value unless masked."""
    return dict(headers) if reveals_credentials(auth) else dict.fromkeys(headers, MASKED)


def secret_for(auth: AuthContext, secret: str | None) -> str | None:
    return secret if secret is None or reveals_credentials(auth) else MASKED
