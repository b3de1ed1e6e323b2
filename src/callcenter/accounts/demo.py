"""The demo account that ``make run`` seeds, so a newcomer can log in at once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.accounts import service
from callcenter.models.accounts import Account, Role
from callcenter.models.buyers import Buyer, CampaignTarget, Target
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.models.numbers import PhoneNumber

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo1234"  # noqa: S105 - the documented demo login, not a secret
DEMO_ACCOUNT = "Demo Account"
DEMO_NUMBER = "+14155550123"
DEMO_TARGET = "+14155550100"
DEMO_FALLBACK = "+14155550199"


@dataclass(frozen=True, slots=True)
class DemoSeed:
    email: str
    password: str
    created: bool


async def seed_demo(session: AsyncSession) -> DemoSeed:
    """Creates the demo account, its owner and a small working setup once; later runs change nothing.

    The setup (an active campaign on the tracking number +1 415 555 0123 with one buyer target and a
    fallback number) lets ``callcenter simulate call --to +14155550123 --from ...`` work at once.
    """
    if await service.find_user_by_email(session, DEMO_EMAIL) is not None:
        return DemoSeed(DEMO_EMAIL, DEMO_PASSWORD, created=False)
    account = await service.create_account(session, name=DEMO_ACCOUNT)
    await service.add_user(
        session, account, email=DEMO_EMAIL, password=DEMO_PASSWORD, role=Role.OWNER, name="Demo Owner"
    )
    await _seed_setup(session, account)
    return DemoSeed(DEMO_EMAIL, DEMO_PASSWORD, created=True)


async def _seed_setup(session: AsyncSession, account: Account) -> None:
    campaign = Campaign(
        account_id=account.id,
        name="Demo Insurance Leads",
        status=CampaignStatus.ACTIVE,
        timezone="America/New_York",
        payout=Decimal("12.00"),
        fallback_number=DEMO_FALLBACK,
        allowed_states=[],
        settings={},
    )
    buyer = Buyer(account_id=account.id, name="Demo Buyer", company="Acme Insurance")
    session.add_all([campaign, buyer])
    await session.flush()
    target = Target(
        account_id=account.id,
        buyer_id=buyer.id,
        name="Acme Sales Floor",
        destination=DEMO_TARGET,
        revenue=Decimal("35.00"),
        allowed_states=[],
    )
    session.add(target)
    await session.flush()
    session.add(CampaignTarget(account_id=account.id, campaign_id=campaign.id, target_id=target.id))
    # Tracking numbers are unique across the installation: leave the demo without one if it is taken.
    if await session.scalar(select(PhoneNumber.id).where(PhoneNumber.number == DEMO_NUMBER)) is None:
        session.add(
            PhoneNumber(
                account_id=account.id, number=DEMO_NUMBER, friendly_name="Demo line", campaign_id=campaign.id
            )
        )
    await session.flush()
