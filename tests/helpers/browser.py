"""A person at a browser for the browser suite: Debian's Chromium driven by Playwright (never
`playwright install`), cookies of their own, a screenshot of every page they check and axe
finding nothing serious on it. The fixtures that launch the browser stay in the conftest."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page

from tests.helpers.page_checks import assert_fits_a_phone, keep_visible_text
from tests.helpers.paths import ROOT
from tests.helpers.stack import Stack

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
        """Screenshot the page under var/screenshots/, keep its text for the scan for raw codes,
        have axe find nothing serious, and see that it fits a phone 390 px wide."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        await keep_visible_text(self.page, self.site.var_dir, name)
        results = await Axe().run(self.page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v.get("impact") in SERIOUS
        ]
        assert not serious, f"axe on {name} ({self.page.url}): {serious}"
        await assert_fits_a_phone(self.page, name, SCREENSHOTS)
        self.seen.append(name)


async def person(made: list[Person], site: Stack, browser: Browser, *, width: int = 1280) -> Person:
    """Someone new at ``browser``; ``made`` (the ``people`` fixture) closes them at the end."""
    context = await browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(20_000)
    someone = Person(site=site, context=context, page=await context.new_page())
    made.append(someone)
    return someone
