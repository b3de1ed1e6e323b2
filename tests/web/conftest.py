"""Browser tests of the web console: the real server in a subprocess, Playwright on Debian's chromium.

Every page a test opens records its console errors and uncaught exceptions; a test fails if any appears
(see ``Console``). The console must be built (``make web``); without it these tests skip locally and fail
under CI=true.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page

from tests.web.server import ConsoleServer, console_is_built, running_server

OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = "console-password-1"


@pytest.fixture(scope="session")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    if not console_is_built():
        message = "the web console is not built (run `make web`)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + ", and CI=true requires it")
        pytest.skip(message)
    with running_server(tmp_path_factory.mktemp("console")) as server:
        server.create_user(OWNER_EMAIL, OWNER_PASSWORD, "Console Test Co")
        yield server


@dataclass
class Console:
    """What the browser reported while a test ran.

    Chromium logs every HTTP error answer as "Failed to load resource: ... status of 422". Those are
    errors only when nobody expected them: the console asks ``/api/auth/user`` whether a session exists
    (401 before logging in), and a test that provokes an API error on purpose declares it.
    """

    errors: list[str] = field(default_factory=list)
    expected: set[tuple[int, str]] = field(default_factory=lambda: {(401, "/api/auth/user")})

    def on_message(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if any(
            f"status of {status} " in message.text and url.split("?")[0].endswith(path)
            for status, path in self.expected
        ):
            return
        self.errors.append(f"{message.text} ({url})")

    def expect_error_answer(self, status: int, path: str) -> None:
        self.expected.add((status, path))


@pytest.fixture
async def console() -> Console:
    return Console()


@pytest.fixture
async def page(browser: Browser, console: Console, console_server: ConsoleServer) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, base_url=console_server.url)
    page = await context.new_page()
    page.on("console", console.on_message)
    page.on("pageerror", lambda error: console.errors.append(f"uncaught: {error}"))
    page.set_default_timeout(10_000)
    yield page
    await context.close()
    assert console.errors == [], "the browser reported errors"


async def log_in(page: Page, *, email: str = OWNER_EMAIL, password: str = OWNER_PASSWORD) -> None:
    await page.goto("/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="Dashboard").wait_for()


async def navigate(page: Page, section: str) -> None:
    """Opens a section from the left navigation."""
    await page.get_by_role("navigation", name="Main").get_by_role("link", name=section, exact=True).click()
