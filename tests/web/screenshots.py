"""``make screenshots``: every main page of the console at 1280x800, for review, into ``screenshots/``.

Starts the real server on a fresh database with the demo account, makes a few calls through
``callcenter simulate call`` so the dashboard and call log have something to show, then visits each page
with Playwright on Debian's chromium. Run with ``python -m tests.web.screenshots [--out DIR]``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
from pathlib import Path

from playwright.async_api import Page, async_playwright

from tests.browser import CHROMIUM_ARGS, chromium_executable
from tests.web.server import ConsoleServer, console_is_built, running_server

DEMO_NUMBER = "+14155550123"
CALLS = [
    ("+12125550101", "answered", 95),
    ("+13105550102", "answered", 240),
    ("+17185550103", "no-answer", 0),
    ("+14085550104", "answered", 20),
    ("+16465550105", "busy", 0),
    ("+12125550101", "answered", 75),
]
VIEWPORT = {"width": 1280, "height": 800}


def seed(server: ConsoleServer) -> None:
    server.cli("demo")
    for caller, outcome, duration in CALLS:
        server.simulate_call(to=DEMO_NUMBER, caller=caller, outcome=outcome, duration=duration)


async def shoot(
    page: Page, out: Path, name: str, path: str | None = None, *, wait_for: str | None = None
) -> None:
    if path is not None:
        await page.goto(path)
    if wait_for:
        await page.get_by_text(wait_for).first.wait_for()
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=out / f"{name}.png")
    print(f"  {name}.png")


async def capture(server: ConsoleServer, out: Path) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=VIEWPORT, base_url=server.url)
        page = await context.new_page()
        await shoot(page, out, "01-login", "/login", wait_for="Sign in")
        await page.get_by_label("Email").fill("demo@example.com")
        await page.get_by_label("Password").fill("demo1234")
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_role("heading", name="Dashboard").wait_for()
        await page.get_by_role("img", name="Calls per hour").wait_for()
        await shoot(page, out, "02-dashboard")
        await shoot(page, out, "03-campaigns", "/campaigns", wait_for="Demo Insurance Leads")
        await page.get_by_role("link", name="Demo Insurance Leads").click()
        await shoot(page, out, "04-campaign-settings", wait_for="Ready to take calls")
        await page.get_by_role("link", name="Routing").click()
        await shoot(page, out, "05-campaign-routing", wait_for="Acme Sales Floor")
        await shoot(page, out, "06-buyers", "/buyers", wait_for="Demo Buyer")
        await page.get_by_role("link", name="Demo Buyer").click()
        await shoot(page, out, "07-buyer-targets", wait_for="Acme Sales Floor")
        await page.get_by_role("link", name="Acme Sales Floor").click()
        await page.get_by_label("Only during set hours").check()
        await page.get_by_role("button", name="+ Add hours").first.click()
        await page.get_by_role("button", name="Copy Monday to weekdays").click()
        await shoot(page, out, "08-target-schedule", wait_for="Hours")
        await shoot(page, out, "09-publishers", "/publishers", wait_for="Publishers")
        await shoot(page, out, "10-rtb-bidders", "/rtb", wait_for="RTB Bidders")
        await shoot(page, out, "10b-rtb-bidder-editor", "/rtb/new", wait_for="Request template")
        await shoot(page, out, "11-numbers", "/numbers", wait_for="Demo line")
        await shoot(page, out, "12-number-pools", "/pools", wait_for="Number Pools")
        await shoot(page, out, "13-tracking-tags", "/tracking-tags", wait_for="Tracking Tags")
        await shoot(page, out, "14-integrations", "/integrations", wait_for="Integrations")
        await shoot(page, out, "14b-integration-editor", "/integrations/new", wait_for="Tokens")
        await shoot(page, out, "15-call-logs", "/calls", wait_for="Acme Sales Floor")
        await page.get_by_role("row", name=re.compile(r"\+1 \(212\) 555-0101")).first.click()
        await page.get_by_role("list", name="Journey steps").wait_for()
        await shoot(page, out, "16-call-journey")
        await shoot(page, out, "17-settings", "/settings", wait_for="API keys")
        await context.close()
        tablet = await browser.new_context(viewport={"width": 820, "height": 1180}, base_url=server.url)
        page = await tablet.new_page()
        await page.goto("/login")
        await page.get_by_label("Email").fill("demo@example.com")
        await page.get_by_label("Password").fill("demo1234")
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_role("img", name="Calls per hour").wait_for()
        await shoot(page, out, "18-tablet-dashboard")
        await shoot(page, out, "19-tablet-call-logs", "/calls", wait_for="Acme Sales Floor")
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    args = parser.parse_args()
    if not console_is_built():
        raise SystemExit("the web console is not built: run `make web` first")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory, running_server(Path(directory)) as server:
        print(f"seeding the demo account and {len(CALLS)} calls on {server.url}")
        seed(server)
        print(f"screenshots into {args.out}/")
        asyncio.run(capture(server, args.out))


if __name__ == "__main__":
    main()
