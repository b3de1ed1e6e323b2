"""Cross-tenant cases for API keys."""

from __future__ import annotations

from typing import Any

from tests.factories import LoggedIn
from tests.tenancy.cases import Check, Probe, TenantCase


async def _create_key(owner: LoggedIn) -> dict[str, Any]:
    response = await owner.client.post("/api/api-keys", json={"name": "tenant A key"})
    assert response.status_code == 201
    row_id = response.json()["id"]
    return {"id": row_id, "key_id": row_id}


ITEM = "/api/api-keys/{key_id}"
CASES = [
    TenantCase(
        name="api_key",
        create=_create_key,
        read_path=ITEM,
        list_path="/api/api-keys",
        probes=[
            Probe("GET", ITEM, Check.READ),
            Probe("DELETE", ITEM, Check.DELETE),
            Probe("GET", "/api/api-keys", Check.LIST),
            Probe("POST", "/api/api-keys", Check.CREATE_OWN, body={"name": "tenant B key"}),
        ],
    )
]
