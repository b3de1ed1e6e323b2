"""API keys of an account, scoped like every tenant-owned table."""

from __future__ import annotations

from callcenter.kit.repository import TenantRepository
from callcenter.models.accounts import ApiKey


class ApiKeyRepository(TenantRepository[ApiKey]):
    model = ApiKey
    resource = "API key"
