"""Probes, the OpenAPI document, the error shape and request ids."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import create_async_engine

from callcenter.app import create_app
from callcenter.kit.db import Database


async def test_health_is_ok(client) -> None:
    response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_checks_the_database(client) -> None:
    response = await client.get("/api/ready")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_ready_is_503_when_the_database_is_unreachable(settings, live) -> None:
    import httpx

    broken = settings.model_copy(update={"database_url": "postgresql+asyncpg://nobody@127.0.0.1:1/none"})
    database = Database(broken, engine=create_async_engine(broken.database_url))
    app = create_app(broken, database=database, live=live)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/api/ready")
    await database.dispose()
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


async def test_openapi_document_is_served_under_api(client) -> None:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/auth/login" in response.json()["paths"]


async def test_unknown_api_route_uses_the_error_shape(client) -> None:
    response = await client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_every_response_carries_a_request_id(client) -> None:
    generated = await client.get("/api/health")
    assert len(generated.headers["x-request-id"]) == 32
    echoed = await client.get("/api/health", headers={"X-Request-ID": "trace-123"})
    assert echoed.headers["x-request-id"] == "trace-123"


async def test_web_console_placeholder_is_served_at_root(client) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert "CallCenter Pro" in response.text
