"""The second factor the way registry staff meet it at a browser: after the e-mailed link, the
first sign-in shows the secret to add to an authenticator app and asks for its code (a wrong one
comes back with the problem beside the field), then the recovery codes, once; a later sign-in
asks for the code alone. The session is no use before. An admin removes a member from the staff
page, after a confirmation, and the member's browser is signed out at once."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from cair.operations import staff_accounts
from tests.helpers.browser import Person, person
from tests.helpers.links import link_in
from tests.helpers.signed_in import signed_in
from tests.helpers.stack import Stack
from tests.helpers.staff import code_for, remember_secret, sign_in_token, staff_session

MEMBER = "bea.factor@cair.test"
ADMIN = "members.admin@cair.test"


async def _link(site: Stack) -> str:
    ctx = site.context()
    try:
        await sign_in_token(site, ctx, MEMBER)  # waits for the new e-mail
    finally:
        await ctx.close()
    return link_in(site, MEMBER, "sign-in", "/staff/sign-in/")


async def test_staff_set_up_and_give_their_second_factor_and_can_be_removed(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        await staff_accounts.add(ctx, MEMBER, roles=["reviewer"], name="Bea Factor")
        admin_session = await staff_session(site, ctx, ADMIN, "admin")
    finally:
        await ctx.close()
    member = await person(people, site, browser)
    page, heading = member.page, member.page.locator("h1")

    await member.open(await _link(site))
    await page.get_by_role("button", name="Sign in").click()
    await expect(heading).to_have_text("Set up your second factor")
    await member.check("staff-second-factor-enrol")
    secret = await page.locator("#secret").inner_text()
    added = page.get_by_role("link", name="this link adds it")
    await expect(added).to_have_attribute("href", re.compile("^otpauth://totp/"))
    await member.open("/staff/enrollments")  # not signed in before the code
    await expect(heading).to_have_text("Staff console sign-in")
    await member.open("/staff/second-factor")
    await expect(page.locator("#secret")).to_have_text(secret)  # this sign-in's own secret

    remember_secret(site, MEMBER, secret)
    right = await code_for(site, MEMBER)
    await page.locator("#f-code").fill(f"{(int(right) + 1) % 1_000_000:06d}")
    await page.get_by_role("button", name="Turn on the second factor").click()
    await expect(page.locator("#f-code-error")).to_contain_text("does not match")
    await expect(page.locator("#error-summary a")).to_have_attribute("href", "#f-code")
    await member.check("staff-second-factor-wrong-code")
    await page.locator("#f-code").fill(right)
    await page.get_by_role("button", name="Turn on the second factor").click()
    await expect(heading).to_have_text("Your recovery codes")
    await expect(page.locator("#recovery-codes li")).to_have_count(10)
    await member.check("staff-recovery-codes")
    await page.get_by_role("link", name="Continue to the staff console").click()
    await expect(heading).to_have_text("Review queue")

    # A later sign-in asks for the code alone.
    await page.get_by_role("button", name="Sign out").click()
    await member.open(await _link(site))
    await page.get_by_role("button", name="Sign in").click()
    await expect(heading).to_have_text("Enter your code")
    assert await page.locator("#secret").count() == 0
    await member.check("staff-second-factor-code")
    await page.locator("#f-code").fill(await code_for(site, MEMBER))
    await page.get_by_role("button", name="Sign in").click()
    await expect(heading).to_have_text("Review queue")

    # An admin removes them, after a confirmation; their browser is signed out at once.
    admin = await signed_in(people, site, browser, admin_session)
    await admin.open("/staff/members")
    await expect(admin.page.locator("h1")).to_have_text("Staff")
    await admin.check("staff-members")
    # Many tests' staff share this stack: an admin finds people as on a long list.
    await admin.page.get_by_label("Name or e-mail address").fill("members.admin")
    await admin.page.get_by_role("button", name="Find", exact=True).click()
    mine = admin.page.get_by_role("row", name=re.compile(re.escape(ADMIN)))
    await expect(mine).to_contain_text("This is you")
    await admin.page.get_by_label("Name or e-mail address").fill("Bea Factor")
    await admin.page.get_by_role("button", name="Find", exact=True).click()
    row = admin.page.get_by_role("row", name=re.compile(re.escape(MEMBER)))
    await row.get_by_role("button", name=re.compile("^Remove")).click()
    await expect(admin.page.locator("h1")).to_have_text("Remove Bea Factor from registry staff?")
    await admin.check("staff-remove-confirm")
    await admin.page.get_by_role("button", name="Yes, remove them").click()
    await expect(admin.page.locator(".notice")).to_contain_text("is removed")
    await admin.page.get_by_label("Name or e-mail address").fill("Bea Factor")
    await admin.page.get_by_role("button", name="Find", exact=True).click()
    await expect(row).to_contain_text("Removed")
    await member.open("/staff/enrollments")
    await expect(heading).to_have_text("Staff console sign-in")
