"""Bodies of ``/api/campaigns`` and its assignment, clone and readiness routes.

Every request body forbids unknown fields, so a typo (``"payot"``) is a 422 naming it instead of a silent
no-op. Field rules are declared once as annotated types and shared by the create and update bodies.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from callcenter.campaigns.readiness import IssueCode, Severity
from callcenter.campaigns.repository import Assignment
from callcenter.kit.fields import E164, Cap, Money, Timezone, UsState, unique_states
from callcenter.models.buyers import PartyStatus
from callcenter.models.campaigns import CampaignStatus, DuplicateAction, RoutingStrategy

DEFAULT_TIMEZONE = "America/New_York"
MAX_NAME_LENGTH = 200
MAX_DEDUPE_SECONDS = 30 * 24 * 3600

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME_LENGTH)]
Description = Annotated[str, Field(max_length=2000)]
# At most 1 s: the voice webhook answers within 1.5 s and the call's database work needs the rest.
AuctionTimeoutMs = Annotated[int, Field(ge=50, le=1000, description="How long an RTB auction may run")]
DedupeSeconds = Annotated[
    int, Field(ge=0, le=MAX_DEDUPE_SECONDS, description="Repeat-caller window; 0 turns the check off")
]
DialTimeoutSeconds = Annotated[int, Field(ge=5, le=120, description="How long each target rings")]
MaxAttempts = Annotated[int, Field(ge=1, le=10, description="Targets tried per call")]
ConversionSeconds = Annotated[
    int, Field(ge=0, le=7200, description="Connected seconds that make a call converted")
]
StateList = Annotated[
    list[UsState], AfterValidator(unique_states), Field(description="US state codes; empty allows all")
]
ClosedMessage = Annotated[str, Field(max_length=1000)]
Priority = Annotated[int, Field(ge=1, le=10)]


def _four_places(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.0001"))


# Money as it is stored (four decimal places), so that a response shows "7.2500" whether the value was
# just written ("7.25") or read back from the database.
StoredMoney = Annotated[Decimal, AfterValidator(_four_places)]
Weight = Annotated[int, Field(ge=1, le=100)]

# A new campaign starts in one of these; the other statuses are reached through the lifecycle.
INITIAL_STATUSES = frozenset({CampaignStatus.DRAFT, CampaignStatus.ACTIVE})


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description = ""
    status: CampaignStatus = Field(default=CampaignStatus.DRAFT, description="draft or active")
    timezone: Timezone = DEFAULT_TIMEZONE
    routing_strategy: RoutingStrategy = RoutingStrategy.PRIORITY
    rtb_enabled: bool = False
    auction_timeout_ms: AuctionTimeoutMs = 800
    flow_id: uuid.UUID | None = None
    concurrency_cap: Cap = None
    hourly_cap: Cap = None
    daily_cap: Cap = None
    monthly_cap: Cap = None
    allowed_states: StateList = Field(default_factory=list)
    dedupe_seconds: DedupeSeconds = 0
    duplicate_action: DuplicateAction = DuplicateAction.ROUTE
    record_calls: bool = False
    dial_timeout_seconds: DialTimeoutSeconds = 30
    max_attempts: MaxAttempts = 3
    conversion_seconds: ConversionSeconds = 60
    payout: Money = Decimal(0)
    fallback_number: E164 | None = None
    closed_message: ClosedMessage | None = None

    @field_validator("status")
    @classmethod
    def _initial_status(cls, value: CampaignStatus) -> CampaignStatus:
        if value not in INITIAL_STATUSES:
            raise ValueError("a new campaign starts as draft or active")
        return value


# Fields of CampaignUpdate that a campaign always has: leaving one out keeps it, null is refused.
REQUIRED_ON_UPDATE = (
    "name",
    "description",
    "status",
    "timezone",
    "routing_strategy",
    "rtb_enabled",
    "auction_timeout_ms",
    "allowed_states",
    "dedupe_seconds",
    "duplicate_action",
    "record_calls",
    "dial_timeout_seconds",
    "max_attempts",
    "conversion_seconds",
    "payout",
)


class CampaignUpdate(BaseModel):
    """Only the fields sent are changed. ``null`` clears a cap (unlimited), the fallback number, the
    closed message or the flow; the other fields cannot be null. Status changes follow the lifecycle."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    description: Description | None = None
    status: CampaignStatus | None = None
    timezone: Timezone | None = None
    routing_strategy: RoutingStrategy | None = None
    rtb_enabled: bool | None = None
    auction_timeout_ms: AuctionTimeoutMs | None = None
    flow_id: uuid.UUID | None = None
    concurrency_cap: Cap = None
    hourly_cap: Cap = None
    daily_cap: Cap = None
    monthly_cap: Cap = None
    allowed_states: StateList | None = None
    dedupe_seconds: DedupeSeconds | None = None
    duplicate_action: DuplicateAction | None = None
    record_calls: bool | None = None
    dial_timeout_seconds: DialTimeoutSeconds | None = None
    max_attempts: MaxAttempts | None = None
    conversion_seconds: ConversionSeconds | None = None
    payout: Money | None = None
    fallback_number: E164 | None = None
    closed_message: ClosedMessage | None = None

    @field_validator(*REQUIRED_ON_UPDATE)
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value


class CampaignRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    description: str
    status: CampaignStatus
    timezone: str
    routing_strategy: RoutingStrategy
    rtb_enabled: bool
    auction_timeout_ms: int
    flow_id: uuid.UUID | None
    concurrency_cap: int | None
    hourly_cap: int | None
    daily_cap: int | None
    monthly_cap: int | None
    allowed_states: list[str]
    dedupe_seconds: int
    duplicate_action: DuplicateAction
    record_calls: bool
    dial_timeout_seconds: int
    max_attempts: int
    conversion_seconds: int
    payout: StoredMoney
    fallback_number: str | None
    closed_message: str | None
    created_at: datetime
    updated_at: datetime


class CampaignFilters(BaseModel):
    """Query parameters of the campaign list."""

    status: CampaignStatus | None = Field(default=None, description="Archived campaigns show only here")
    # No NUL: PostgreSQL refuses it in a LIKE pattern, which would otherwise be a 500.
    q: str | None = Field(
        default=None, max_length=200, pattern=r"^[^\x00]*$", description="Name contains (case-insensitive)"
    )
    routing_strategy: RoutingStrategy | None = None
    rtb_enabled: bool | None = None


class CampaignClone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = Field(default=None, description='Defaults to "<name> (copy)", made unique')


class CampaignTargetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_id: uuid.UUID
    priority: Priority | None = Field(default=None, description="Override; null uses the target's own")
    weight: Weight | None = Field(default=None, description="Override; null uses the target's own")


class CampaignTargetUpdate(BaseModel):
    """Only the fields sent are changed; null removes the override."""

    model_config = ConfigDict(extra="forbid")

    priority: Priority | None = None
    weight: Weight | None = None


class CampaignTargetRead(BaseModel):
    """An assignment with the target's own fields, and the priority/weight routing will use."""

    id: uuid.UUID
    campaign_id: uuid.UUID
    target_id: uuid.UUID
    priority: int | None = Field(description="The campaign's override, null when none")
    weight: int | None = Field(description="The campaign's override, null when none")
    effective_priority: int
    effective_weight: int
    name: str
    buyer_id: uuid.UUID
    destination: str
    status: PartyStatus
    created_at: datetime

    @classmethod
    def of(cls, assignment: Assignment) -> CampaignTargetRead:
        link, target = assignment
        return cls(
            id=link.id,
            campaign_id=link.campaign_id,
            target_id=target.id,
            priority=link.priority,
            weight=link.weight,
            effective_priority=assignment.effective_priority,
            effective_weight=assignment.effective_weight,
            name=target.name,
            buyer_id=target.buyer_id,
            destination=target.destination,
            status=target.status,
            created_at=link.created_at,
        )


class IssueRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: IssueCode
    severity: Severity
    message: str


class ReadinessRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ready: bool = Field(description="True when no issue is an error")
    issues: list[IssueRead]
