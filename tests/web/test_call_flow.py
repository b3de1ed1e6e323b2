"""The acceptance path of the console: from an empty account to a routed call with its journey, all
through the browser, with the call made by ``callcenter simulate call`` against the same server."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.conftest import Console, log_in, navigate
from tests.web.server import ConsoleServer

TRACKING_NUMBER = "+14155550177"
TARGET_NUMBER = "+14155550166"
CALLER = "+12125550142"


async def test_a_manager_sets_up_a_campaign_and_sees_its_call_with_the_journey(
    page: Page, console: Console, console_server: ConsoleServer
) -> None:
    await log_in(page)

    # A buyer.
    await navigate(page, "Buyers & Targets")
    await page.get_by_role("button", name="New buyer").first.click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Name").fill("Acme Insurance")
    await dialog.get_by_label("Company").fill("Acme Inc")
    await dialog.get_by_role("button", name="Create buyer").click()
    await expect(page.get_by_role("heading", name="Acme Insurance")).to_be_visible()

    # A target with a schedule: open around the clock every day, closed on a holiday.
    await page.get_by_role("link", name="New target").first.click()
    await page.get_by_label("Name").fill("Acme sales floor")
    await page.get_by_label("Destination").fill(TARGET_NUMBER)
    await page.get_by_label("Revenue per converted call ($)").fill("35")
    await page.get_by_label("Only during set hours").check()
    await page.locator('[data-day="mon"]').get_by_role("button", name="+ Add hours").click()
    await page.get_by_label("Monday range 1 opens").fill("00:00")
    await page.get_by_label("Monday range 1 closes").fill("00:00")
    await page.get_by_role("button", name="Copy Monday to every day").click()
    await page.get_by_label("Holiday date").fill("2020-12-25")
    await page.get_by_role("button", name="Add holiday").click()
    await page.get_by_role("button", name="Create target").click()
    await expect(page.get_by_role("link", name="Acme sales floor")).to_be_visible()
    await expect(page.get_by_role("cell", name=re.compile("Scheduled"))).to_be_visible()

    # A campaign taking the target's calls.
    await navigate(page, "Campaigns")
    await page.get_by_role("button", name="New campaign").first.click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Name").fill("Solar Leads")
    await dialog.get_by_label("Starts as").select_option("active")
    await dialog.get_by_role("button", name="Create campaign").click()
    await expect(page.get_by_role("heading", name="Solar Leads")).to_be_visible()
    await page.get_by_role("link", name="Routing").click()
    await page.get_by_label("Assign a target").select_option(label="Acme sales floor (+1 (415) 555-0166)")
    await page.get_by_role("button", name="Assign", exact=True).click()
    await expect(
        page.get_by_role("table", name="Assigned targets").get_by_role("link", name="Acme sales floor")
    ).to_be_visible()

    # A tracking number for it, made on the Numbers page.
    await navigate(page, "Numbers")
    await page.get_by_role("button", name="Add number").first.click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Phone number").fill(TRACKING_NUMBER)
    await dialog.get_by_label("Campaign").select_option(label="Solar Leads")
    await dialog.get_by_role("button", name="Add number").click()
    row = page.get_by_role("row", name=re.compile(r"\+1 \(415\) 555-0177"))
    await expect(row.get_by_role("link", name="Solar Leads")).to_be_visible()

    await row.get_by_role("link", name="Solar Leads").click()
    await expect(page.get_by_text("Ready to take calls")).to_be_visible()

    # The call, as Twilio would make it.
    transcript = console_server.simulate_call(to=TRACKING_NUMBER, caller=CALLER)
    assert f"<Number>{TARGET_NUMBER}</Number>" in transcript

    await navigate(page, "Call Logs")
    call = page.get_by_role("row", name=re.compile(r"\+1 \(212\) 555-0142"))
    await expect(call).to_contain_text("Solar Leads")
    await expect(call).to_contain_text("Acme sales floor")
    await expect(call).to_contain_text("Converted")
    await call.click()
    journey = page.get_by_role("list", name="Journey steps")
    for step in ("Number lookup", "Routing", "Dial", "Dial result", "Call ended", "Conversion"):
        await expect(journey.get_by_text(step, exact=True)).to_be_visible()
    await expect(page.get_by_test_id("call-detail")).to_contain_text("$35.00")
    assert console.errors == []
