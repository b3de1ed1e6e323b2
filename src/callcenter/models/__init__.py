"""All tables, re-exported so that ``Base.metadata`` knows every one of them."""

from callcenter.models.accounts import Account, ApiKey, LoginSession, Role, User
from callcenter.models.base import Base
from callcenter.models.buyers import Buyer, CampaignTarget, PartyStatus, Target
from callcenter.models.campaigns import Campaign, CampaignStatus, DuplicateAction, RoutingStrategy
from callcenter.models.numbers import NumberPool, OverflowPolicy, PhoneNumber
from callcenter.models.publishers import Publisher, PublisherPayout

__all__ = [
    "Account",
    "ApiKey",
    "Base",
    "Buyer",
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
