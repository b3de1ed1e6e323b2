"""Every tenant-owned route keeps other accounts' rows invisible (404) and untouchable."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

import tests
from callcenter.app import API_ROUTERS
from callcenter.auth.dependencies import current_auth
from tests.factories import LoggedIn
from tests.tenancy.cases import Check, Row, TenantCase, fill

# Routes that act on the caller's own identity and take no row id: nothing of another account to reach.
SELF_ROUTES = {
    ("GET", "/api/auth/user"),
    ("POST", "/api/auth/logout"),
}


def _discover_cases() -> list[TenantCase]:
    cases: list[TenantCase] = []
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith(".tenant_cases"):
            cases.extend(importlib.import_module(module.name).CASES)
    return cases


CASES = _discover_cases()


def _uses(dependant: Dependant, call: Any) -> bool:
    return dependant.call is call or any(_uses(d, call) for d in dependant.dependencies)


def authenticated_routes() -> set[tuple[str, str]]:
    """Every (method, path) of the app's API routers whose dependencies authenticate the caller."""
    return {
        (method, route.path)
        for router in API_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and _uses(route.dependant, current_auth)
        for method in route.methods
    }


def test_route_discovery_finds_authenticated_routes() -> None:
    routes = authenticated_routes()
    assert ("GET", "/api/users/{user_id}") in routes
    assert ("GET", "/api/health") not in routes


def test_every_authenticated_route_has_a_cross_tenant_case() -> None:
    covered = {(p.method, p.route) for case in CASES for p in case.probes}
    missing = authenticated_routes() - covered - SELF_ROUTES
    assert not missing, (
        f"routes without a cross-tenant case (add one in tests/<domain>/tenant_cases.py): {missing}"
    )


def test_cases_name_only_real_routes() -> None:
    stale = {(p.method, p.route) for case in CASES for p in case.probes} - authenticated_routes()
    assert not stale


async def _read(logged_in: LoggedIn, path: str) -> dict[str, Any]:
    response = await logged_in.client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _listed_ids(logged_in: LoggedIn, path: str) -> set[str]:
    response = await logged_in.client.get(path, params={"limit": 500})
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_other_account_cannot_reach_the_row(
    case: TenantCase, owner: LoggedIn, other_owner: LoggedIn
) -> None:
    row = await case.create(owner)
    other: Row = await case.create_other(other_owner) if case.create_other else {}
    read_path = fill(case.read_path, row)
    other_read_path = fill(case.other_read_path, row, other) if case.other_read_path else None
    before = await _read(owner, read_path)
    other_before = await _read(other_owner, other_read_path) if other_read_path else None
    for probe in case.probes:
        path = fill(probe.path, row, other)
        body = probe.render_body(row, other)
        where = f"{probe.method} {probe.path}"
        if probe.check is Check.LIST:
            assert row["id"] not in await _listed_ids(other_owner, path), where
            continue
        response = await other_owner.client.request(probe.method, path, json=body)
        if probe.check is Check.CREATE_OWN:
            assert response.status_code < 300, f"{where}: {response.text}"
            assert response.json()["id"] not in await _listed_ids(owner, fill(case.list_path, row)), where
            continue
        expected = {404, 422} if probe.check is Check.REFERENCE else {404}
        assert response.status_code in expected, f"{where}: {response.status_code} {response.text}"
        assert str(row["id"]) not in response.text.replace(path, ""), f"{where} leaks the id"
    assert await _read(owner, read_path) == before, "another account changed the row"
    if other_read_path:
        assert await _read(other_owner, other_read_path) == other_before, "a refused probe wrote to B's row"
