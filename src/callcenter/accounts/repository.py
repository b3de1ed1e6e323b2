"""Users of an account."""

from __future__ import annotations

from sqlalchemy import func, select

from callcenter.kit.repository import Tenant, TenantRepository
from callcenter.models.accounts import Role, User


class UserRepository(TenantRepository[User]):
    model = User
    resource = "user"

    async def email_taken(self, email: str) -> bool:
        # Emails are unique across all accounts (they are the login), so this one query is not scoped.
        return await self.session.scalar(select(func.count()).where(User.email == email)) != 0

    async def active_owner_count(self, tenant: Tenant) -> int:
        statement = select(func.count()).where(
            User.account_id == tenant.account_id, User.role == Role.OWNER, User.is_active.is_(True)
        )
        return int(await self.session.scalar(statement) or 0)
