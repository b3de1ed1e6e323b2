"""Who is calling: the account every query is scoped to, the user or key, and the role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from callcenter.auth.permissions import Permission, has_permission
from callcenter.models.accounts import Role


class AuthMethod(StrEnum):
    SESSION = "session"
    API_KEY = "api_key"


@dataclass(frozen=True, slots=True)
class AuthContext:
    account_id: uuid.UUID
    role: Role
    method: AuthMethod
    user_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None

    def can(self, permission: Permission) -> bool:
        return has_permission(self.role, permission)
