"""The one place where queries are scoped to the caller's account.

Every repository of a tenant-owned table derives from :class:`TenantRepository`; ``readable`` is the only
way endpoints reach rows, so a row of another account is simply not found (404) and never appears in a
list. Workers, which act for no user, pass the account id explicitly.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.interfaces import ORMOption

from callcenter.kit.errors import NotFound
from callcenter.kit.pagination import PageParams, paginate


class Tenant(Protocol):
    """Anything that names an account: an AuthContext, or a worker's explicit scope."""

    @property
    def account_id(self) -> uuid.UUID: ...


M = TypeVar("M", bound=Any)


class TenantRepository(Generic[M]):
    model: ClassVar[type[Any]]
    resource: ClassVar[str] = "resource"
    load_options: ClassVar[Sequence[ORMOption]] = ()

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def readable(self, tenant: Tenant) -> Select[tuple[M]]:
        statement: Select[tuple[M]] = select(self.model).where(self.model.account_id == tenant.account_id)
        if self.load_options:
            statement = statement.options(*self.load_options)
        return statement

    async def find(self, tenant: Tenant, id: uuid.UUID, *, for_update: bool = False) -> M | None:
        statement = self.readable(tenant).where(self.model.id == id)
        if for_update:
            statement = statement.with_for_update()
        row: M | None = (await self.session.scalars(statement)).one_or_none()
        return row

    async def get(self, tenant: Tenant, id: uuid.UUID, *, for_update: bool = False) -> M:
        row = await self.find(tenant, id, for_update=for_update)
        if row is None:
            raise NotFound(self.resource)
        return row

    async def list(
        self,
        tenant: Tenant,
        page: PageParams,
        *,
        where: Sequence[ColumnElement[bool]] = (),
        order_by: Sequence[Any] = (),
    ) -> tuple[list[M], int]:
        statement = self.readable(tenant).where(*where).order_by(*order_by, self.model.id)
        return await paginate(self.session, statement, page)

    async def add(self, row: M) -> M:
        self.session.add(row)
        await self.session.flush()
        return row

    async def delete(self, row: M) -> None:
        await self.session.delete(row)
        await self.session.flush()
