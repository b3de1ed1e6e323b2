"""The demo account that ``make run`` seeds, so a newcomer can log in at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.accounts import service
from callcenter.models.accounts import Role

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo1234"  # noqa: S105 - the documented demo login, not a secret
DEMO_ACCOUNT = "Demo Account"


@dataclass(frozen=True, slots=True)
class DemoSeed:
    email: str
    password: str
    created: bool


async def seed_demo(session: AsyncSession) -> DemoSeed:
    """Creates the demo account and owner once; later runs change nothing (the password is not reset)."""
    if await service.find_user_by_email(session, DEMO_EMAIL) is not None:
        return DemoSeed(DEMO_EMAIL, DEMO_PASSWORD, created=False)
    account = await service.create_account(session, name=DEMO_ACCOUNT)
    await service.add_user(
        session, account, email=DEMO_EMAIL, password=DEMO_PASSWORD, role=Role.OWNER, name="Demo Owner"
    )
    return DemoSeed(DEMO_EMAIL, DEMO_PASSWORD, created=True)
