"""Reading a form page as a person meets it, for the browser suite: the error summary (its count,
and that every link lands on an element of the page), what a form holds, and which required
marks a person can see."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page, expect


async def summary_links(page: Page) -> list[tuple[str, str]]:
    """The error summary's (target id, text), after checking that its count is the number of
    its lines and that each line's link lands on an element that exists."""
    summary = page.locator("#error-summary")
    await expect(summary).to_be_visible()
    heading = await summary.locator("h2").inner_text()
    counted = re.search(r"(\d+) problem", heading)
    assert counted, heading
    links = await summary.locator("li a").evaluate_all(
        "links => links.map(a => [a.getAttribute('href'), a.textContent.trim()])"
    )
    assert int(counted.group(1)) == len(links), (heading, links)
    for href, text in links:
        assert href.startswith("#"), href
        found = await page.evaluate("id => document.getElementById(id) !== null", href[1:])
        assert found, f"the summary links {text!r} to {href}, which is not on the page"
    return [(href[1:], text) for href, text in links]


async def form_entries(page: Page, selector: str) -> list[tuple[str, str]]:
    """What the form sends (its FormData), less the CSRF token, its id and the button."""
    entries: list[list[str]] = await page.locator(selector).evaluate(
        "form => Array.from(new FormData(form).entries()).map(([k, v]) => [k, String(v)])"
    )
    skipped = {"csrf_token", "form_id", "action"}
    return [(k, v) for k, v in entries if k not in skipped]


async def shown_entries(page: Page, selector: str) -> list[tuple[str, str]]:
    """The form's non-blank answers in the parts a person can see (hidden parts left out)."""
    entries: list[list[str]] = await page.locator(selector).evaluate(
        """form => Array.from(form.elements).filter(e => e.name && e.offsetParent !== null
             && !['csrf_token', 'form_id', 'action'].includes(e.name)
             && !((e.type === 'radio' || e.type === 'checkbox') && !e.checked)
             && e.value !== '')
           .map(e => [e.name, e.value])"""
    )
    return sorted((k, v) for k, v in entries)


async def marks(page: Page, selector: str) -> dict[str, Any]:
    """Of the part ``selector``: whether it is shown, says "(optional)", and how many required
    marks (asterisks) a person can see in it."""
    found: dict[str, Any] = await page.locator(selector).evaluate(
        """part => ({
             shown: part.offsetParent !== null,
             optional: Array.from(part.querySelectorAll('.optional-tag'))
               .some(t => t.offsetParent !== null),
             asterisks: Array.from(part.querySelectorAll('.required'))
               .filter(m => m.offsetParent !== null).length,
           })"""
    )
    return found


async def optional_parts_with_asterisks(page: Page) -> list[str]:
    """The ids of parts marked "(optional)" that still show a required mark: none may."""
    found: list[str] = await page.evaluate(
        """() => Array.from(document.querySelectorAll('fieldset.section')).filter(part => {
             const tag = part.querySelector(':scope > legend .optional-tag');
             const seen = m => m.offsetParent !== null;
             return tag && seen(tag) && Array.from(part.querySelectorAll('.required')).some(seen);
           }).map(part => part.id)"""
    )
    return found


async def role_choices(page: Page, select: str) -> list[str]:
    """The roles a person can choose in a role select (hidden and disabled ones left out)."""
    found: list[str] = await page.locator(select).evaluate(
        "s => Array.from(s.options).filter(o => !o.hidden && !o.disabled).map(o => o.value)"
    )
    return found
