"""Cross-tenant cases for users."""

from __future__ import annotations

from typing import Any

from tests.factories import LoggedIn
from tests.tenancy.cases import Check, Probe, TenantCase


async def _create_user(owner: LoggedIn) -> dict[str, Any]:
    response = await owner.client.post(
        "/api/users", json={"email": "a-member@example.com", "password": "s3cret-pass", "role": "reporting"}
    )
    assert response.status_code == 201
    row_id = response.json()["id"]
    return {"id": row_id, "user_id": row_id}


ITEM = "/api/users/{user_id}"
CASES = [
    TenantCase(
        name="user",
        create=_create_user,
        read_path=ITEM,
        list_path="/api/users",
        probes=[
            Probe("GET", ITEM, Check.READ),
            Probe("PATCH", ITEM, Check.CHANGE, body={"role": "admin", "name": "hijacked"}),
            Probe("DELETE", ITEM, Check.DELETE),
            Probe("GET", "/api/users", Check.LIST),
            Probe(
                "POST",
                "/api/users",
                Check.CREATE_OWN,
                body={"email": "b-member@example.com", "password": "s3cret-pass"},
            ),
        ],
    )
]
