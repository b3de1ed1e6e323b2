"""Bodies of ``/api/publishers`` and their payout overrides."""

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

from callcenter.kit.fields import Money
from callcenter.models.buyers import PartyStatus


def no_nul(value: str) -> str:
    # PostgreSQL stores no NUL character in text, nor accepts one in a LIKE pattern: refused here as a 422
    # rather than failing there as a 500.
    if "\x00" in value:
        raise ValueError("may not contain NUL characters")
    return value


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(no_nul)
]
SubId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), AfterValidator(no_nul)
]
Notes = Annotated[str, Field(max_length=5000), AfterValidator(no_nul)]
Search = Annotated[str, Field(max_length=200), AfterValidator(no_nul)]


def reject_null(value: Any) -> Any:
    """For PATCH bodies: leaving a field out keeps it, but ``null`` cannot clear a required field."""
    if value is None:
        raise ValueError("may not be null")
    return value


def _unique(values: list[str]) -> list[str]:
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"sub ids must be unique; repeated: {', '.join(repeated)}")
    return values


SubIds = Annotated[list[SubId], Field(max_length=50), AfterValidator(_unique)]


class PublisherCreate(BaseModel):
    name: Name
    email: EmailStr | None = None
    status: PartyStatus = PartyStatus.ACTIVE
    sub_ids: SubIds = Field(default_factory=list)
    notes: Notes = ""


class PublisherUpdate(BaseModel):
    name: Name | None = None
    email: EmailStr | None = None
    status: PartyStatus | None = None
    sub_ids: SubIds | None = None
    notes: Notes | None = None

    _required = field_validator("name", "status", "sub_ids", "notes")(reject_null)


class PublisherRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    email: str | None
    status: PartyStatus
    sub_ids: list[str]
    notes: str
    created_at: datetime
    updated_at: datetime


class PublisherFilters(BaseModel):
    status: PartyStatus | None = Field(
        default=None, description="Archived publishers are listed only when asked for by this filter."
    )
    q: Search | None = Field(default=None, description="Part of the name or email")


class PayoutSet(BaseModel):
    payout: Money


class PayoutRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    publisher_id: uuid.UUID
    campaign_id: uuid.UUID
    payout: Decimal
    created_at: datetime
    updated_at: datetime
