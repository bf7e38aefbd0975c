"""The hardened cookies in a real browser (over http, so under their plain names): a form opened
in one session and sent after the browser's session changed (another tab signed in again) is
refused in plain words with nothing done, and the reloaded form goes through; the CSRF cookie
is HttpOnly; a notice cookie planted by hand is never shown."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from tests.helpers.accounts import enrolled, sign_in
from tests.helpers.browser import Person
from tests.helpers.signed_in import signed_in, user_states
from tests.helpers.stack import Stack

DOMAIN = "hardened.example"


async def fill_new_user(page: Page, email: str) -> None:
    await page.get_by_label("First name").fill("Noor")
    await page.get_by_label("Last name").fill("Haddad")
    await page.get_by_label("E-mail address").fill(email)
    await page.get_by_role("radio", name=re.compile("^Read-Only")).check()


async def test_a_form_of_another_session_is_refused(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        account = await enrolled(site, ctx, "school", "Hardened", email_domain=DOMAIN)
        primary = account.who.email
        again = await sign_in(site, ctx, account.provider_id, primary)  # another tab, later
    finally:
        await ctx.close()
    rep = await signed_in(people, site, browser, account.session)
    page = rep.page
    email = f"noor.haddad@{DOMAIN}"
    await rep.open(f"/account/{account.provider_id}/users/new")
    await fill_new_user(page, email)

    # Signed in again in another tab: the session changes under the open form.
    await rep.context.add_cookies([{"name": "cair_session", "value": again, "url": site.api_url}])
    await page.get_by_role("button", name="Add the user").click()
    await expect(page.locator("main")).to_contain_text("could not be accepted")
    await expect(page.locator("main")).to_contain_text("signed in or out")
    assert email not in await user_states(site, account.provider_id)

    # Reloaded, the form carries the token of the session the browser holds now.
    await rep.open(f"/account/{account.provider_id}/users/new")
    await fill_new_user(page, email)
    await page.get_by_role("button", name="Add the user").click()
    await expect(page.locator(".notice")).to_be_visible()
    assert email in await user_states(site, account.provider_id)

    # The CSRF cookie as the site set it (the session cookie here is the test's own).
    csrf = next(c for c in await rep.context.cookies() if c["name"] == "cair_csrf")
    assert csrf["httpOnly"] and csrf["path"] == "/" and csrf["sameSite"] == "Lax", csrf
    assert not csrf["secure"]  # plain http: no __Host-, no Secure

    # A notice planted by hand (as a sibling site could) is dropped unshown.
    planted = "Your%20access%20ends%20today."
    await rep.context.add_cookies([{"name": "cair_notice", "value": planted, "url": site.api_url}])
    await rep.open(f"/account/{account.provider_id}")
    await expect(page.locator("h1")).to_be_visible()
    await expect(page.locator(".notice")).to_have_count(0)
    assert "cair_notice" not in {c["name"] for c in await rep.context.cookies()}
