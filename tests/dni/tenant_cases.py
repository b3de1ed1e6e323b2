"""Cross-tenant cases for tracking tags and pool health.

Account A owns a campaign, a publisher, a pool on the campaign, a static number on the campaign and a
tracking tag on the pool. B (with a pool and a tag of its own) tries to read, list, change and delete
A's tag, to read A's pool health, and to point its own tags at A's pool, number, campaign and publisher.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.factories import LoggedIn
from tests.tenancy.cases import Check, Probe, Row, TenantCase, created
from tests.tenancy.rows import campaign_row


async def _graph(owner: LoggedIn) -> Row:
    campaign_id = (await campaign_row(owner))["campaign_id"]
    publisher_id = await created(owner, "/api/publishers", {"name": "A publisher"})
    pool_id = await created(owner, "/api/pools", {"name": "A pool", "campaign_id": campaign_id})
    number_id = await created(owner, "/api/numbers", {"number": "+14155550187", "campaign_id": campaign_id})
    tag_id = await created(
        owner, "/api/tracking-tags", {"name": "A tag", "pool_id": pool_id, "publisher_id": publisher_id}
    )
    return {
        "campaign_id": campaign_id,
        "publisher_id": publisher_id,
        "pool_id": pool_id,
        "number_id": number_id,
        "tag_id": tag_id,
    }


def _graph_as(kind: str) -> Callable[[LoggedIn], Awaitable[Row]]:
    async def create(owner: LoggedIn) -> Row:
        row = await _graph(owner)
        return {**row, "id": row[f"{kind}_id"]}

    return create


async def _b_tag(other: LoggedIn) -> Row:
    pool_id = await created(other, "/api/pools", {"name": "B pool"})
    tag_id = await created(other, "/api/tracking-tags", {"name": "B tag", "pool_id": pool_id})
    return {"id": tag_id, "tag_id": tag_id, "pool_id": pool_id}


def _b_tag_with(field: str) -> Callable[[Row, Row], dict[str, Any]]:
    """B's new tag on B's pool, except ``field``, which names A's row."""
    return lambda row, other: {"name": "B tag 2", "pool_id": other["pool_id"], field: row[field]}


def _b_static_tag(row: Row, _: Row) -> dict[str, Any]:
    return {"name": "B static tag", "number_id": row["number_id"]}


TAG = "/api/tracking-tags/{tag_id}"
OTHER_TAG = "/api/tracking-tags/{other_tag_id}"

CASES = [
    TenantCase(
        name="tracking_tag",
        create=_graph_as("tag"),
        read_path=TAG,
        list_path="/api/tracking-tags",
        probes=[
            Probe("GET", TAG, Check.READ),
            Probe("PATCH", TAG, Check.CHANGE, body={"name": "hijacked", "selectors": [".x"]}),
            Probe("DELETE", TAG, Check.DELETE),
            Probe("GET", "/api/tracking-tags", Check.LIST),
            Probe(
                "POST",
                "/api/tracking-tags",
                Check.CREATE_OWN,
                body=lambda _, other: {"name": "B tag 3", "pool_id": other["pool_id"]},
            ),
        ],
        create_other=_b_tag,
        other_read_path=OTHER_TAG,
    ),
    TenantCase(
        name="rows_referenced_by_tracking_tags",
        create=_graph_as("pool"),
        read_path="/api/pools/{pool_id}",
        list_path="/api/pools",
        probes=[
            Probe("GET", "/api/pools/{pool_id}/health", Check.READ),
            Probe(
                "POST",
                "/api/tracking-tags",
                Check.REFERENCE,
                body=lambda row, _: {"name": "B tag 2", "pool_id": row["pool_id"]},
            ),
            Probe("POST", "/api/tracking-tags", Check.REFERENCE, body=_b_static_tag),
            Probe("POST", "/api/tracking-tags", Check.REFERENCE, body=_b_tag_with("campaign_id")),
            Probe("POST", "/api/tracking-tags", Check.REFERENCE, body=_b_tag_with("publisher_id")),
            Probe("PATCH", OTHER_TAG, Check.REFERENCE, body=lambda row, _: {"pool_id": row["pool_id"]}),
        ],
        create_other=_b_tag,
        other_read_path=OTHER_TAG,
    ),
]
