"""The console's behaviour around the acceptance path: API field errors shown in place, session expiry,
navigation (also at tablet width), deep links and the CSV export."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from tests.web.conftest import OWNER_EMAIL, OWNER_PASSWORD, Console, log_in, navigate
from tests.web.server import ConsoleServer

SECTIONS = {
    "Dashboard": "Dashboard",
    "Campaigns": "Campaigns",
    "Buyers & Targets": "Buyers & Targets",
    "Publishers": "Publishers",
    "RTB Bidders": "RTB Bidders",
    "Numbers": "Numbers",
    "Number Pools": "Number Pools",
    "Tracking Tags": "Tracking Tags",
    "Integrations": "Integrations",
    "Call Logs": "Call Logs",
    "Settings": "Settings",
}


async def test_a_field_error_from_the_api_appears_next_to_its_field(page: Page, console: Console) -> None:
    console.expect_error_answer(422, "/api/numbers")
    await log_in(page)
    await navigate(page, "Numbers")
    await page.get_by_role("button", name="Add number").first.click()
    dialog = page.get_by_role("dialog")
    number = dialog.get_by_label("Phone number")
    # Looks like a phone number to the browser; the API (phonenumbers) knows it is not a valid one.
    await number.fill("+1 555 0100")
    await dialog.get_by_role("button", name="Add number").click()

    error = dialog.locator('[data-field-error="number"]')
    await expect(error).to_contain_text("not a valid phone number")
    await expect(number).to_have_attribute("aria-invalid", "true")
    # The message is the field's description, so a screen reader reads it with the field.
    described_by = await number.get_attribute("aria-describedby")
    assert described_by and await error.get_attribute("id") in described_by.split()
    await expect(dialog.get_by_role("alert").first).to_contain_text("Please correct the highlighted fields")

    await number.fill("+14155550188")
    await dialog.get_by_role("button", name="Add number").click()
    await expect(page.get_by_role("row", name=re.compile(r"\+1 \(415\) 555-0188"))).to_be_visible()


async def test_an_expired_session_sends_the_user_to_log_in_and_back(page: Page, console: Console) -> None:
    console.expect_error_answer(401, "/api/campaigns")
    await log_in(page)
    await page.context.clear_cookies()

    await navigate(page, "Campaigns")

    await expect(page.get_by_text("Your session has expired")).to_be_visible()
    assert "/login" in page.url
    await log_in_again(page)
    await expect(page.get_by_role("heading", name="Campaigns")).to_be_visible()


async def log_in_again(page: Page) -> None:
    """Fills the login form the console is showing (after a redirect), unlike ``log_in``."""
    await page.get_by_label("Email").fill(OWNER_EMAIL)
    await page.get_by_label("Password").fill(OWNER_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()


async def test_every_section_of_the_navigation_opens(page: Page) -> None:
    await log_in(page)
    for link, heading in SECTIONS.items():
        await navigate(page, link)
        await expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        await expect(page.get_by_role("alert")).to_have_count(0)


async def test_a_deep_link_opens_its_page_after_login(page: Page) -> None:
    await page.goto("/calls?range=30d")
    await expect(page).to_have_url(re.compile(r"/login\?next="))
    await log_in_again(page)
    await expect(page.get_by_role("heading", name="Call Logs")).to_be_visible()
    await expect(page.get_by_label("Date range")).to_have_value("30d")


async def test_at_tablet_width_the_navigation_opens_from_the_menu_button(
    browser: Browser, console_server: ConsoleServer, console: Console
) -> None:
    context = await browser.new_context(viewport={"width": 820, "height": 1180}, base_url=console_server.url)
    page = await context.new_page()
    page.on("console", console.on_message)
    try:
        await log_in(page)
        main_navigation = page.get_by_role("navigation", name="Main")
        await expect(main_navigation).to_be_hidden()
        await page.get_by_role("button", name="Open navigation").click()
        await main_navigation.get_by_role("link", name="Call Logs").click()
        await expect(page.get_by_role("heading", name="Call Logs")).to_be_visible()
        await expect(main_navigation).to_be_hidden()
    finally:
        await context.close()
    assert console.errors == []


async def test_the_call_log_exports_the_filtered_calls_as_csv(
    page: Page, console_server: ConsoleServer
) -> None:
    console_server.cli("demo")
    console_server.simulate_call(to="+14155550123", caller="+13105550199")
    await log_in(page, email="demo@example.com", password="demo1234")
    await navigate(page, "Call Logs")
    await expect(page.get_by_role("row", name=re.compile(r"\+1 \(310\) 555-0199"))).to_be_visible()

    async with page.expect_download() as download_info:
        await page.get_by_role("button", name=re.compile("Export CSV")).click()
    download = await download_info.value
    text = (await download.path()).read_text()

    header, *rows = text.strip().splitlines()
    assert header.startswith("id,call_sid,started_at,")
    assert any("+13105550199" in row and "Demo Insurance Leads" in row for row in rows)
