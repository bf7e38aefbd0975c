"""The browser suite's rig: Debian's Chromium driven by Playwright (never `playwright install`),
a stack of its own (worker, API and pages process, SMTP outbox, SQLite), and a person at a
browser who takes a screenshot of every page and has axe check it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from temporalio.testing import WorkflowEnvironment

from tests.conftest import Stack, build_stack
from tests.support import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "var" / "screenshots"
# As the machine notes say: without these, Chromium keeps calling out and is refused.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS = {"serious", "critical"}


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


@dataclass
class Person:
    """Someone at a browser of their own (their own cookies)."""

    site: Stack
    context: BrowserContext
    page: Page
    seen: list[str] = field(default_factory=list)

    async def open(self, path_or_link: str) -> None:
        """A path of the site, or a link from an e-mail (its path on this site)."""
        parts = urlsplit(path_or_link)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        await self.page.goto(self.site.api_url + path)

    async def check(self, name: str) -> None:
        """Screenshot the page under var/screenshots/ and have axe find nothing serious."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        results = await Axe().run(self.page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v.get("impact") in SERIOUS
        ]
        assert not serious, f"axe on {name} ({self.page.url}): {serious}"
        self.seen.append(name)


@pytest_asyncio.fixture(loop_scope="session")
async def people(browser: Browser, site: Stack) -> AsyncIterator[list[Person]]:
    """Make people with ``await person(people, site, browser)``; all closed at the end."""
    made: list[Person] = []
    yield made
    for someone in made:
        await someone.context.close()


async def person(made: list[Person], site: Stack, browser: Browser, *, width: int = 1280) -> Person:
    context = await browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(20_000)
    someone = Person(site=site, context=context, page=await context.new_page())
    made.append(someone)
    return someone
