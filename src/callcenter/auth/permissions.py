"""What each role may do. Routes ask for a permission, never for a role, so roles can evolve."""

from __future__ import annotations

from enum import StrEnum

from callcenter.models.accounts import Role


class Permission(StrEnum):
    USERS_MANAGE = "users_manage"
    API_KEYS_MANAGE = "api_keys_manage"
    CONFIG_READ = "config_read"
    CONFIG_WRITE = "config_write"
    CALLS_READ = "calls_read"
    REPORTS_READ = "reports_read"


_READ = {Permission.CONFIG_READ, Permission.CALLS_READ, Permission.REPORTS_READ}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.ADMIN: frozenset(Permission),
    Role.MANAGER: frozenset({*_READ, Permission.CONFIG_WRITE}),
    Role.REPORTING: frozenset(_READ),
    # Publishers see their own calls and numbers; row filtering by publisher comes with the publisher portal.
    Role.PUBLISHER: frozenset({Permission.CALLS_READ, Permission.REPORTS_READ}),
}

# A user may hand out a role only up to their own rank (owner > admin > manager > reporting > publisher).
ROLE_RANK: dict[Role, int] = {
    Role.OWNER: 5,
    Role.ADMIN: 4,
    Role.MANAGER: 3,
    Role.REPORTING: 2,
    Role.PUBLISHER: 1,
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def can_grant(granter: Role, role: Role) -> bool:
    return ROLE_RANK[role] <= ROLE_RANK[granter]
