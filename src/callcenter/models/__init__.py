"""All tables, re-exported so that ``Base.metadata`` knows every one of them."""

from callcenter.models import flows as flows
from callcenter.models import integrations as integrations
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
from callcenter.models.dni import NumberFormat, PoolNumberLease, PoolOverflow, TrackingTag, VisitorSession
from callcenter.models.numbers import NumberPool, OverflowPolicy, PhoneNumber
from callcenter.models.publishers import Publisher, PublisherPayout
from callcenter.models.rtb import Auction, Bid, Bidder, CampaignBidder

__all__ = [
    "FINAL_STATUSES",
    "Account",
    "ApiKey",
    "AttemptStatus",
    "Auction",
    "Base",
    "Bid",
    "Bidder",
    "Buyer",
    "Call",
    "CallAttempt",
    "CallEvent",
    "CallStatus",
    "Campaign",
    "CampaignBidder",
    "CampaignStatus",
    "CampaignTarget",
    "DuplicateAction",
    "LoginSession",
    "NumberFormat",
    "NumberPool",
    "OverflowPolicy",
    "PartyStatus",
    "PhoneNumber",
    "PoolNumberLease",
    "PoolOverflow",
    "Publisher",
    "PublisherPayout",
    "Role",
    "RoutingStrategy",
    "Target",
    "TrackingTag",
    "User",
    "VisitorSession",
]
