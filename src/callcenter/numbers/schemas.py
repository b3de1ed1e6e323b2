"""Bodies of ``/api/numbers`` and ``/api/pools``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from callcenter.kit.fields import E164
from callcenter.models.numbers import OverflowPolicy
from callcenter.publishers.schemas import Name, Search, no_nul, reject_null

FriendlyName = Annotated[str, Field(max_length=200), AfterValidator(no_nul)]
ProviderSid = Annotated[
    str,
    Field(max_length=64, description="The provider's id of the number (Twilio PN...)"),
    AfterValidator(no_nul),
]
LeaseSeconds = Annotated[int, Field(ge=30, le=86400)]
MAX_POOL_BATCH = 500


class NumberCreate(BaseModel):
    number: E164
    friendly_name: FriendlyName = ""
    provider_sid: ProviderSid | None = None
    campaign_id: uuid.UUID | None = None
    pool_id: uuid.UUID | None = None
    publisher_id: uuid.UUID | None = None


class NumberUpdate(BaseModel):
    number: E164 | None = None
    friendly_name: FriendlyName | None = None
    provider_sid: ProviderSid | None = None
    campaign_id: uuid.UUID | None = None
    pool_id: uuid.UUID | None = None
    publisher_id: uuid.UUID | None = None

    _required = field_validator("number", "friendly_name")(reject_null)


class NumberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: str
    friendly_name: str
    provider_sid: str | None
    campaign_id: uuid.UUID | None
    pool_id: uuid.UUID | None
    publisher_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class NumberFilters(BaseModel):
    campaign_id: uuid.UUID | None = Field(
        default=None, description="Numbers that ring this campaign, directly or through their pool"
    )
    pool_id: uuid.UUID | None = None
    publisher_id: uuid.UUID | None = None
    unassigned: bool | None = Field(
        default=None, description="true: in no campaign and no pool; false: in one of them"
    )
    q: Search | None = Field(default=None, description="Part of the number or friendly name")


class PoolCreate(BaseModel):
    name: Name
    campaign_id: uuid.UUID | None = None
    lease_seconds: LeaseSeconds = 300
    max_lease_seconds: LeaseSeconds = 1800
    overflow_policy: OverflowPolicy = OverflowPolicy.DEFAULT_NUMBER
    default_number: E164 | None = None


class PoolUpdate(BaseModel):
    name: Name | None = None
    campaign_id: uuid.UUID | None = None
    lease_seconds: LeaseSeconds | None = None
    max_lease_seconds: LeaseSeconds | None = None
    overflow_policy: OverflowPolicy | None = None
    default_number: E164 | None = None

    _required = field_validator("name", "lease_seconds", "max_lease_seconds", "overflow_policy")(reject_null)


class PoolRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    campaign_id: uuid.UUID | None
    lease_seconds: int
    max_lease_seconds: int
    overflow_policy: OverflowPolicy
    default_number: str | None
    created_at: datetime
    updated_at: datetime


class PoolFilters(BaseModel):
    campaign_id: uuid.UUID | None = None
    q: Search | None = Field(default=None, description="Part of the pool's name")


class PoolNumbersAdd(BaseModel):
    number_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_POOL_BATCH)
