"""Bodies of ``/api/buyers`` and ``/api/targets``.

Create and update bodies forbid unknown fields, so a typo (``priorty``) is reported instead of silently
ignored. Updates are applied with ``exclude_unset``: a field left out keeps its value, ``null`` clears a
nullable field (a cap, the schedule, ``conversion_seconds``, email, phone) and is refused on the others.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

from callcenter.buyers.schedules import Schedule
from callcenter.kit.fields import E164, Cap, Destination, Money, UsState, unique_states
from callcenter.models.buyers import PartyStatus

# Caps are stored in 32-bit integer columns; a larger number is a typo, not a limit.
MAX_CAP = 2_147_483_647
MAX_CONVERSION_SECONDS = 7200


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refusing it here keeps a bad byte a 422 instead of a 500.
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    return value


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_no_nul)
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_no_nul)]
Notes = Annotated[str, Field(max_length=10_000), AfterValidator(_no_nul)]
CapLimit = Annotated[Cap, Field(le=MAX_CAP)]
TargetDestination = Annotated[Destination, Field(max_length=255), AfterValidator(_no_nul)]
Priority = Annotated[int, Field(ge=1, le=10, description="1 is dialed first")]
Weight = Annotated[int, Field(ge=1, le=100, description="share of calls inside a priority tier")]
States = Annotated[
    list[UsState],
    Field(max_length=100, description="US state codes; empty = every state"),
    AfterValidator(unique_states),
]
ConversionSeconds = Annotated[
    int | None,
    Field(ge=0, le=MAX_CONVERSION_SECONDS, description="null = the campaign's conversion_seconds"),
]


def _money_scale(value: Decimal) -> Decimal:
    # Read back with the stored scale (four places), so a row reads the same before and after a reload.
    return value.quantize(Decimal("0.0001"))


MoneyRead = Annotated[Decimal, AfterValidator(_money_scale), Field(examples=["12.5000"])]


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may not be null; leave the field out to keep its value")
    return value


class BuyerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    company: ShortText = ""
    email: EmailStr | None = None
    phone: E164 | None = None
    status: PartyStatus = PartyStatus.ACTIVE
    concurrency_cap: CapLimit = None
    hourly_cap: CapLimit = None
    daily_cap: CapLimit = None
    monthly_cap: CapLimit = None
    notes: Notes = ""


class BuyerUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    company: ShortText | None = None
    email: EmailStr | None = None
    phone: E164 | None = None
    status: PartyStatus | None = None
    concurrency_cap: CapLimit = None
    hourly_cap: CapLimit = None
    daily_cap: CapLimit = None
    monthly_cap: CapLimit = None
    notes: Notes | None = None

    _not_null = field_validator("name", "company", "status", "notes", mode="before")(_refuse_null)


class BuyerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    company: str
    email: str | None
    phone: str | None
    status: PartyStatus
    concurrency_cap: int | None
    hourly_cap: int | None
    daily_cap: int | None
    monthly_cap: int | None
    notes: str
    created_at: datetime
    updated_at: datetime


class TargetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    buyer_id: uuid.UUID
    name: Name
    destination: TargetDestination
    status: PartyStatus = PartyStatus.ACTIVE
    priority: Priority = 1
    weight: Weight = 1
    concurrency_cap: CapLimit = None
    hourly_cap: CapLimit = None
    daily_cap: CapLimit = None
    monthly_cap: CapLimit = None
    schedule: Schedule | None = Field(default=None, description="null = always open")
    allowed_states: States = Field(default_factory=list)
    revenue: Money = Decimal(0)
    conversion_seconds: ConversionSeconds = None


class TargetUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    buyer_id: uuid.UUID | None = None
    name: Name | None = None
    destination: TargetDestination | None = None
    status: PartyStatus | None = None
    priority: Priority | None = None
    weight: Weight | None = None
    concurrency_cap: CapLimit = None
    hourly_cap: CapLimit = None
    daily_cap: CapLimit = None
    monthly_cap: CapLimit = None
    schedule: Schedule | None = None
    allowed_states: States | None = None
    revenue: Money | None = None
    conversion_seconds: ConversionSeconds = None

    _not_null = field_validator(
        "buyer_id",
        "name",
        "destination",
        "status",
        "priority",
        "weight",
        "allowed_states",
        "revenue",
        mode="before",
    )(_refuse_null)


class TargetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    buyer_id: uuid.UUID
    name: str
    destination: str
    status: PartyStatus
    priority: int
    weight: int
    concurrency_cap: int | None
    hourly_cap: int | None
    daily_cap: int | None
    monthly_cap: int | None
    schedule: Schedule | None
    allowed_states: list[str]
    revenue: MoneyRead
    conversion_seconds: int | None
    created_at: datetime
    updated_at: datetime
