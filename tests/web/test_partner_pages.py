"""RTB bidders, tracking tags and integrations through the console, against real loopback partners:
a bidder that answers pings and a pixel receiver."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from playwright.async_api import Page, expect

from tests.web.conftest import log_in, navigate


@dataclass
class Partner:
    """A loopback HTTP server standing for a buyer's bid endpoint and a tracking platform's pixel."""

    url: str
    requests: list[tuple[str, str, str]] = field(default_factory=list)


@pytest.fixture
async def partner() -> AsyncIterator[Partner]:
    recorded: list[tuple[str, str, str]] = []

    async def bid(request: web.Request) -> web.Response:
        recorded.append(("bid", request.query_string, await request.text()))
        return web.json_response({"bid": {"amount": 42.5}, "phone": "+14155550144"})

    async def pixel(request: web.Request) -> web.Response:
        recorded.append(("pixel", request.query_string, await request.text()))
        return web.Response(text="ok")

    app = web.Application()
    app.add_routes([web.post("/bid", bid), web.get("/pixel", pixel)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield Partner(url=f"http://127.0.0.1:{port}", requests=recorded)
    await runner.cleanup()


async def test_a_bidder_is_set_up_with_template_variables_and_answers_a_test_ping(
    page: Page, partner: Partner
) -> None:
    await log_in(page)
    await navigate(page, "RTB Bidders")
    await page.get_by_role("link", name="New bidder").first.click()
    await page.get_by_label("Name", exact=True).fill("Acme Ping Tree")
    await page.get_by_label("Endpoint URL").fill(f"{partner.url}/bid")
    template = page.get_by_label("Template", exact=True)
    await template.fill('{"caller": "')
    await (
        page.get_by_role("list", name="Template variables")
        .get_by_role("button", name=re.compile("callerId"))
        .click()
    )
    await template.press("End")
    await template.type('"}')
    await expect(template).to_have_value('{"caller": "{callerId}"}')
    await page.get_by_label("Bid amount").fill("bid.amount")
    await page.get_by_label("Destination", exact=True).fill("phone")
    await page.get_by_role("button", name="Create bidder").click()

    await page.get_by_role("button", name="Send test ping").click()
    result = page.get_by_label("Test ping result")
    await expect(result).to_contain_text("Valid bid")
    await expect(result).to_contain_text("$42.50")
    assert partner.requests[-1][0] == "bid"
    assert json.loads(partner.requests[-1][2]) == {"caller": "+12125550123"}


async def test_a_tracking_tag_gives_a_snippet_to_copy(page: Page) -> None:
    await log_in(page)
    await navigate(page, "Number Pools")
    await page.get_by_role("button", name="New pool").first.click()
    await page.get_by_role("dialog").get_by_label("Name").fill("Landing pool")
    await page.get_by_role("dialog").get_by_role("button", name="Create pool").click()
    await expect(page.get_by_role("heading", name="Landing pool")).to_be_visible()

    await navigate(page, "Tracking Tags")
    await page.get_by_role("button", name="New tracking tag").first.click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Name", exact=True).fill("Spring landing page")
    await dialog.get_by_label("Code").fill("spring-lp")
    await dialog.get_by_label("Pool", exact=True).select_option(label="Landing pool")
    await dialog.get_by_role("button", name="Create tag").click()

    row = page.get_by_role("row", name=re.compile("Spring landing page"))
    await expect(row).to_contain_text('data-tag="spring-lp"')
    await expect(row).to_contain_text("/js/t.js")
    await row.get_by_role("button", name="Copy snippet").click()
    await expect(row.get_by_role("button", name="Copied")).to_be_visible()


async def test_an_integration_is_built_with_the_token_picker_and_sends_a_test(
    page: Page, partner: Partner
) -> None:
    await log_in(page)
    await navigate(page, "Integrations")
    await page.get_by_role("link", name="New integration").first.click()
    await page.get_by_label("Name", exact=True).fill("Conversion pixel")
    url = page.get_by_label("URL", exact=True)
    await url.fill(f"{partner.url}/pixel?caller=")
    await url.press("End")
    await page.get_by_label("Token list").get_by_role("button", name=re.compile(r"\{caller\}")).click()
    await expect(url).to_have_value(f"{partner.url}/pixel?caller={{caller}}")
    await page.get_by_role("button", name="Create integration").click()

    await page.get_by_role("button", name="Send test").click()
    await expect(page.get_by_label("Test result")).to_contain_text("Delivered")
    assert partner.requests[-1][0] == "pixel"
    assert partner.requests[-1][1].startswith("caller=")
    await expect(page.get_by_role("heading", name="Delivery log")).to_be_visible()
