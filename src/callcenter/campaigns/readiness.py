"""Can this campaign take a call right now? A checklist of what stands in the way.

``ready`` answers "would a call placed now reach a buyer?": every issue that makes the answer no is an
error; an issue that only makes calls riskier is a warning. Checks:

- ``campaign_not_active`` (error): only active campaigns route calls; the others play the fallback or the
  closed message.
- ``no_number`` (error): no tracking number leads here, directly or through a pool fed to the campaign.
- ``no_active_target`` (error): no assigned target that is active and whose buyer is active.
- ``all_targets_closed`` (error): targets exist, but every active one is outside its opening hours at
  ``now`` (read in each target's own timezone, holidays included). Raised only when there are active
  targets, so the cause is always named once.
- ``campaign_capped`` (error): a campaign cap is 0, so no call at all gets through.
- ``no_fallback`` (warning): without a fallback number, a caller nobody can take hears the closed
  message and is hung up on.

This module does no I/O: the service loads the rows and passes the clock in, so every check is tested
with a fixed instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from callcenter.buyers.schedules import routing_schedule
from callcenter.models.buyers import Buyer, PartyStatus, Target
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.routing import is_open


class IssueCode(StrEnum):
    CAMPAIGN_NOT_ACTIVE = "campaign_not_active"
    NO_NUMBER = "no_number"
    NO_ACTIVE_TARGET = "no_active_target"
    ALL_TARGETS_CLOSED = "all_targets_closed"
    CAMPAIGN_CAPPED = "campaign_capped"
    NO_FALLBACK = "no_fallback"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    code: IssueCode
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class Readiness:
    issues: tuple[Issue, ...]

    @property
    def ready(self) -> bool:
        return all(issue.severity is not Severity.ERROR for issue in self.issues)


_CAPS = ("concurrency_cap", "hourly_cap", "daily_cap", "monthly_cap")


def assess(
    campaign: Campaign,
    *,
    has_number: bool,
    assigned: Sequence[tuple[Target, Buyer]],
    now: dt.datetime,
) -> Readiness:
    """Every issue of ``campaign`` at the aware instant ``now``, errors first."""
    issues: list[Issue] = []
    if campaign.status != CampaignStatus.ACTIVE:
        issues.append(
            _error(
                IssueCode.CAMPAIGN_NOT_ACTIVE,
                f"The campaign is {campaign.status}; only an active campaign routes calls.",
            )
        )
    if not has_number:
        issues.append(
            _error(
                IssueCode.NO_NUMBER,
                "No tracking number leads to this campaign, directly or through a number pool.",
            )
        )
    routable = [
        target
        for target, buyer in assigned
        if target.status == PartyStatus.ACTIVE and buyer.status == PartyStatus.ACTIVE
    ]
    if not routable:
        message = (
            f"None of the {len(assigned)} assigned targets is active with an active buyer."
            if assigned
            else "No target is assigned to this campaign."
        )
        issues.append(_error(IssueCode.NO_ACTIVE_TARGET, message))
    elif not any(is_open(routing_schedule(target.schedule), now).open for target in routable):
        issues.append(
            _error(
                IssueCode.ALL_TARGETS_CLOSED,
                "Every active target is outside its opening hours now; calls go to the fallback number "
                "or hear the closed message.",
            )
        )
    zero_caps = [name for name in _CAPS if getattr(campaign, name) == 0]
    if zero_caps:
        issues.append(
            _error(
                IssueCode.CAMPAIGN_CAPPED,
                f"{', '.join(zero_caps)} set to 0: the campaign takes no calls.",
            )
        )
    if not campaign.fallback_number:
        issues.append(
            Issue(
                IssueCode.NO_FALLBACK,
                Severity.WARNING,
                "No fallback number: a caller no target can take hears the closed message and is hung up on.",
            )
        )
    return Readiness(tuple(issues))


def _error(code: IssueCode, message: str) -> Issue:
    return Issue(code, Severity.ERROR, message)
