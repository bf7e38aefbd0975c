"""The browser suite's rig: Debian's Chromium driven by Playwright (never `playwright install`),
a stack of its own (worker, API and pages process, SMTP outbox, SQLite), and the people at a
browser the tests make (tests/helpers/browser.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright
from temporalio.testing import WorkflowEnvironment

from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, Person
from tests.helpers.stack import Stack, build_stack


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def site(
    dev_server: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    """A stack of the browser suite's own: its enrollments do not meet the other suites'."""
    var_dir = tmp_path_factory.mktemp("stack-browser")
    stack, smtp = await build_stack(
        "browser",
        var_dir,
        f"sqlite:///{var_dir / 'cair.db'}",
        dev_server.client.service_client.config.target_host,
    )
    yield stack
    stack.stop_workers()
    smtp.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: run tools/install_chromium.sh (make test does)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def people(browser: Browser, site: Stack) -> AsyncIterator[list[Person]]:
    """Make people with ``await person(people, site, browser)``; all closed at the end."""
    made: list[Person] = []
    yield made
    for someone in made:
        await someone.context.close()
