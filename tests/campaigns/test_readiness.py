"""Readiness: what stands between a campaign and its next call, checked at a fixed instant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.campaigns import service
from callcenter.campaigns.readiness import IssueCode, Readiness, Severity
from callcenter.models.buyers import PartyStatus
from callcenter.models.campaigns import Campaign, CampaignStatus
from tests.campaigns.conftest import Tenant
from tests.campaigns.factories import OFFICE_HOURS, create_active_target, create_tenant
from tests.config_factories import (
    assign,
    create_buyer,
    create_campaign,
    create_number,
    create_pool,
    create_target,
)

# Wednesday 2026-11-18, 12:00 and 22:00 in New York.
WEDNESDAY_NOON = dt.datetime(2026, 11, 18, 17, 0, tzinfo=dt.UTC)
WEDNESDAY_NIGHT = dt.datetime(2026, 11, 19, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
async def auth(session: AsyncSession) -> AuthContext:
    return await create_tenant(session)


async def _campaign(session: AsyncSession, auth: AuthContext, **settings: Any) -> Campaign:
    """A campaign that is ready at WEDNESDAY_NOON unless ``settings`` break it."""
    fields: dict[str, Any] = {"status": CampaignStatus.ACTIVE, "fallback_number": "+14155550100"}
    campaign = await create_campaign(session, account_id=auth.account_id, **{**fields, **settings})
    await create_number(session, account_id=auth.account_id, campaign_id=campaign.id)
    return campaign


async def _with_target(session: AsyncSession, auth: AuthContext, **settings: Any) -> Campaign:
    campaign = await _campaign(session, auth, **settings)
    target = await create_active_target(session, account_id=auth.account_id, schedule=OFFICE_HOURS)
    await assign(session, campaign=campaign, target=target)
    return campaign


async def _check(
    session: AsyncSession, auth: AuthContext, campaign: Campaign, now: dt.datetime = WEDNESDAY_NOON
) -> Readiness:
    return await service.readiness(session, auth, campaign.id, now=now)


def _codes(readiness: Readiness) -> list[IssueCode]:
    return [issue.code for issue in readiness.issues]


async def test_configured_active_campaign_inside_opening_hours_is_ready(
    session: AsyncSession, auth: AuthContext
) -> None:
    readiness = await _check(session, auth, await _with_target(session, auth))
    assert (readiness.ready, readiness.issues) == (True, ())


@pytest.mark.parametrize("status", [CampaignStatus.DRAFT, CampaignStatus.PAUSED, CampaignStatus.ARCHIVED])
async def test_campaign_that_is_not_active_is_not_ready(
    session: AsyncSession, auth: AuthContext, status: CampaignStatus
) -> None:
    readiness = await _check(session, auth, await _with_target(session, auth, status=status))
    assert _codes(readiness) == [IssueCode.CAMPAIGN_NOT_ACTIVE]
    assert readiness.issues[0].severity is Severity.ERROR
    assert status in readiness.issues[0].message
    assert not readiness.ready


async def test_campaign_without_a_number_is_not_ready(session: AsyncSession, auth: AuthContext) -> None:
    campaign = await create_campaign(
        session, account_id=auth.account_id, status=CampaignStatus.ACTIVE, fallback_number="+14155550100"
    )
    await assign(
        session, campaign=campaign, target=await create_active_target(session, account_id=auth.account_id)
    )
    readiness = await _check(session, auth, campaign)
    assert (_codes(readiness), readiness.ready) == ([IssueCode.NO_NUMBER], False)


async def test_a_number_in_a_pool_feeding_the_campaign_counts(
    session: AsyncSession, auth: AuthContext
) -> None:
    campaign = await create_campaign(
        session, account_id=auth.account_id, status=CampaignStatus.ACTIVE, fallback_number="+14155550100"
    )
    await assign(
        session, campaign=campaign, target=await create_active_target(session, account_id=auth.account_id)
    )
    pool = await create_pool(session, account_id=auth.account_id, campaign_id=campaign.id)
    await create_number(session, account_id=auth.account_id, pool_id=pool.id)
    assert (await _check(session, auth, campaign)).ready


async def test_a_number_of_another_campaign_or_an_unattached_pool_does_not_count(
    session: AsyncSession, auth: AuthContext
) -> None:
    campaign = await create_campaign(session, account_id=auth.account_id, status=CampaignStatus.ACTIVE)
    elsewhere = await create_campaign(session, account_id=auth.account_id)
    await create_number(session, account_id=auth.account_id, campaign_id=elsewhere.id)
    loose_pool = await create_pool(session, account_id=auth.account_id)
    await create_number(session, account_id=auth.account_id, pool_id=loose_pool.id)
    assert IssueCode.NO_NUMBER in _codes(await _check(session, auth, campaign))


async def test_campaign_without_targets_has_no_active_target(
    session: AsyncSession, auth: AuthContext
) -> None:
    readiness = await _check(session, auth, await _campaign(session, auth))
    assert (_codes(readiness), readiness.ready) == ([IssueCode.NO_ACTIVE_TARGET], False)


@pytest.mark.parametrize(
    ("target_status", "buyer_status"),
    [(PartyStatus.PAUSED, PartyStatus.ACTIVE), (PartyStatus.ACTIVE, PartyStatus.PAUSED)],
    ids=["paused-target", "paused-buyer"],
)
async def test_a_paused_target_or_buyer_is_no_active_target(
    session: AsyncSession, auth: AuthContext, target_status: PartyStatus, buyer_status: PartyStatus
) -> None:
    campaign = await _campaign(session, auth)
    buyer = await create_buyer(session, account_id=auth.account_id, status=buyer_status)
    await assign(
        session, campaign=campaign, target=await create_target(session, buyer=buyer, status=target_status)
    )
    readiness = await _check(session, auth, campaign)
    assert (_codes(readiness), readiness.ready) == ([IssueCode.NO_ACTIVE_TARGET], False)


async def test_every_active_target_closed_now_is_all_targets_closed(
    session: AsyncSession, auth: AuthContext
) -> None:
    campaign = await _with_target(session, auth)
    readiness = await _check(session, auth, campaign, now=WEDNESDAY_NIGHT)
    assert (_codes(readiness), readiness.ready) == ([IssueCode.ALL_TARGETS_CLOSED], False)


async def test_one_open_target_is_enough(session: AsyncSession, auth: AuthContext) -> None:
    campaign = await _with_target(session, auth)
    always_open = await create_active_target(session, account_id=auth.account_id, schedule=None)
    await assign(session, campaign=campaign, target=always_open)
    assert (await _check(session, auth, campaign, now=WEDNESDAY_NIGHT)).ready


async def test_a_closed_paused_target_does_not_hide_an_open_active_one(
    session: AsyncSession, auth: AuthContext
) -> None:
    campaign = await _with_target(session, auth)
    buyer = await create_buyer(session, account_id=auth.account_id)
    paused = await create_target(session, buyer=buyer, status=PartyStatus.PAUSED, schedule=None)
    await assign(session, campaign=campaign, target=paused)
    assert _codes(await _check(session, auth, campaign, now=WEDNESDAY_NIGHT)) == [
        IssueCode.ALL_TARGETS_CLOSED
    ]


async def test_a_holiday_closes_the_targets(session: AsyncSession, auth: AuthContext) -> None:
    campaign = await _campaign(session, auth)
    schedule = {**OFFICE_HOURS, "holidays": ["2026-11-18"]}
    target = await create_active_target(session, account_id=auth.account_id, schedule=schedule)
    await assign(session, campaign=campaign, target=target)
    assert _codes(await _check(session, auth, campaign)) == [IssueCode.ALL_TARGETS_CLOSED]


@pytest.mark.parametrize("cap", ["concurrency_cap", "hourly_cap", "daily_cap", "monthly_cap"])
async def test_a_cap_of_zero_is_campaign_capped(session: AsyncSession, auth: AuthContext, cap: str) -> None:
    readiness = await _check(session, auth, await _with_target(session, auth, **{cap: 0}))
    assert (_codes(readiness), readiness.ready) == ([IssueCode.CAMPAIGN_CAPPED], False)
    assert cap in readiness.issues[0].message


async def test_positive_caps_are_not_an_issue(session: AsyncSession, auth: AuthContext) -> None:
    campaign = await _with_target(session, auth, concurrency_cap=1, daily_cap=5)
    assert (await _check(session, auth, campaign)).issues == ()


async def test_missing_fallback_number_is_only_a_warning(session: AsyncSession, auth: AuthContext) -> None:
    readiness = await _check(session, auth, await _with_target(session, auth, fallback_number=None))
    assert _codes(readiness) == [IssueCode.NO_FALLBACK]
    assert readiness.issues[0].severity is Severity.WARNING
    assert readiness.ready


async def test_an_empty_draft_lists_every_issue_errors_first(
    session: AsyncSession, auth: AuthContext
) -> None:
    campaign = await create_campaign(
        session, account_id=auth.account_id, status=CampaignStatus.DRAFT, hourly_cap=0
    )
    readiness = await _check(session, auth, campaign)
    assert _codes(readiness) == [
        IssueCode.CAMPAIGN_NOT_ACTIVE,
        IssueCode.NO_NUMBER,
        IssueCode.NO_ACTIVE_TARGET,
        IssueCode.CAMPAIGN_CAPPED,
        IssueCode.NO_FALLBACK,
    ]


async def test_readiness_route_reports_ready_and_issues(tenant: Tenant, session: AsyncSession) -> None:
    campaign = await create_campaign(session, account_id=tenant.account_id, status=CampaignStatus.DRAFT)
    response = await tenant.client.get(f"/api/campaigns/{campaign.id}/readiness")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is False
    assert {(issue["code"], issue["severity"]) for issue in body["issues"]} == {
        ("campaign_not_active", "error"),
        ("no_number", "error"),
        ("no_active_target", "error"),
        ("no_fallback", "warning"),
    }
    assert all(issue["message"] for issue in body["issues"])
