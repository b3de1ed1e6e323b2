"""All tables, re-exported so that ``Base.metadata`` knows every one of them."""

from callcenter.models.accounts import Account, ApiKey, LoginSession, Role, User
from callcenter.models.base import Base
from callcenter.models.buyers import Buyer, CampaignTarget, PartyStatus, Target
from callcenter.models.calls import (
    FINAL_STATUSES,
    AttemptStatus,
    Call,
    CallAttempt,
    CallEvent,
    CallStatus,
)
from callcenter.models.campaigns import Campaign, CampaignStatus, DuplicateAction, RoutingStrategy
from callcenter.models.numbers import NumberPool, OverflowPolicy, PhoneNumber
from callcenter.models.publishers import Publisher, PublisherPayout

__all__ = [
    "FINAL_STATUSES",
    "Account",
    "ApiKey",
    "AttemptStatus",
    "Base",
    "Buyer",
    "Call",
    "CallAttempt",
    "CallEvent",
    "CallStatus",
    "Campaign",
    "CampaignStatus",
    "CampaignTarget",
    "DuplicateAction",
    "LoginSession",
    "NumberPool",
    "OverflowPolicy",
    "PartyStatus",
    "PhoneNumber",
    "Publisher",
    "PublisherPayout",
    "Role",
    "RoutingStrategy",
    "Target",
    "User",
]
