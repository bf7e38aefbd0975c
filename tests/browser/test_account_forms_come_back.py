"""The representative's forms the way an office manager meets them: a refused form comes back as
itself (the summary at the top, each problem beside its field, every value kept) whether the
page or the account's workflow refused it; only the roles the access level allows are offered;
inactivating asks once more, also without script; the account page fits a phone with its users
as stacked rows; the audit trail reads as sentences."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest_asyncio
from playwright.async_api import Browser, expect

from cair.domain.plain_words import AUDIT_ACTIONS
from tests.helpers.accounts import Account, enrolled
from tests.helpers.browser import Person
from tests.helpers.signed_in import signed_in, user_names, user_states
from tests.helpers.stack import Stack

DOMAIN = "forms.example"
RAW = re.compile(r"\b(read_only|pending_training|dx_qa|system:|[a-z]+_[a-z_]+)\b|[{}]")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def clinic(site: Stack) -> AsyncIterator[Account]:
    """A clinic (Clinical access): Sam (Power, its representative), Lee (Regular), Jo
    (Read-Only). Each test changes a user of its own: they pass in any order."""
    ctx = site.context()
    try:
        yield await enrolled(site, ctx, "clinic", "Forms", email_domain=DOMAIN)
    finally:
        await ctx.close()


def user_id(account: Account, first: str) -> str:
    return next(uid for email, uid in account.users.items() if email.startswith(first))


async def test_a_refused_new_user_comes_back_as_the_form(
    site: Stack, browser: Browser, people: list[Person], clinic: Account
) -> None:
    rep = await signed_in(people, site, browser, clinic.session)
    await rep.open(f"/account/{clinic.provider_id}")
    await rep.page.get_by_role("link", name="Add a user").click()
    choices = rep.page.locator("#f-role input[type=radio]")
    assert await choices.evaluate_all("(all) => all.map((r) => r.value)") == [
        "read_only",
        "regular",
        "power",
    ]  # a Clinical organization has no DX QA users
    page = rep.page
    await page.get_by_label("First name").fill("Ray")
    await page.get_by_label("E-mail address").fill("ray.vu@")
    await page.get_by_role("radio", name=re.compile("^Regular")).check()
    await page.get_by_role("button", name="Add the user").click()

    summary = page.locator("#error-summary")
    await expect(summary.get_by_role("link", name=re.compile("^Last name"))).to_have_attribute(
        "href", "#f-last_name"
    )
    await expect(summary.get_by_role("link", name=re.compile("^E-mail address"))).to_be_visible()
    await expect(page.locator("#f-last_name")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#f-last_name-error")).to_contain_text("required")
    await expect(page.locator("#f-email-error")).to_contain_text("e-mail address")
    described = await page.locator("#f-email").get_attribute("aria-describedby") or ""
    assert "f-email-error" in described.split()
    await expect(page.locator("#f-first_name")).to_have_value("Ray")
    await expect(page.locator("#f-email")).to_have_value("ray.vu@")
    await expect(page.get_by_role("radio", name=re.compile("^Regular"))).to_be_checked()
    await expect(page.locator("h1")).to_have_text("Add a user")
    await rep.check("account-add-user-refused")
    assert "Ray" not in " ".join((await user_names(site, clinic.provider_id)).values())

    await page.get_by_label("Last name").fill("Vu")
    await page.get_by_label("E-mail address").fill(f"ray.vu@{DOMAIN}")
    await page.get_by_role("button", name="Add the user").click()
    # A Regular user is a grant above Read-Only: registry staff approve it first.
    await expect(page.locator(".notice")).to_contain_text("Sent to registry staff for approval")
    await expect(page.locator(".notice")).to_contain_text("Ray Vu as Regular")
    assert "Ray" not in " ".join((await user_names(site, clinic.provider_id)).values())


async def test_refused_role_and_details_come_back_with_what_was_chosen(
    site: Stack, browser: Browser, people: list[Person], clinic: Account
) -> None:
    jo = user_id(clinic, "jo.")
    rep = await signed_in(people, site, browser, clinic.session)
    await rep.open(f"/account/{clinic.provider_id}/users/{jo}")
    page = rep.page
    await page.get_by_role("radio", name=re.compile("^Read-Only")).check()  # the role Jo has
    await page.get_by_role("button", name="Change the role").click()
    await expect(page.locator("#f-role-error")).to_contain_text("already has the role Read-Only")
    await expect(page.locator("#error-summary").get_by_role("link")).to_have_attribute(
        "href", "#f-role"
    )
    await expect(page.get_by_role("radio", name=re.compile("^Read-Only"))).to_be_checked()
    await rep.check("account-user-role-refused")

    await page.get_by_label("Last name").fill("Kim-Lee")
    await page.locator("#f-email").fill("jo@@forms")
    await page.get_by_role("button", name="Save the correction").click()
    await expect(page.locator("#f-email-error")).to_contain_text("e-mail address")
    await expect(page.locator("#f-last_name")).to_have_value("Kim-Lee")
    await expect(page.locator("#f-email")).to_have_value("jo@@forms")
    await rep.check("account-user-details-refused")
    assert (await user_names(site, clinic.provider_id))[f"jo.kim@{DOMAIN}"] == "Jo Kim"

    await page.locator("#f-email").fill(f"jo.kim@{DOMAIN}")
    await page.get_by_role("button", name="Save the correction").click()
    await expect(page.locator(".notice")).to_contain_text("Done")
    sam = user_id(clinic, "sam.")
    await rep.open(f"/account/{clinic.provider_id}/users/{sam}")
    await page.get_by_role("radio", name=re.compile("^Regular")).check()
    await page.get_by_role("button", name="Change the role").click()
    await expect(page.locator(".notice")).to_contain_text("Done")

    # The audit trail says who changed what from what to what, in words.
    await page.get_by_text(re.compile("Who changed what")).click()
    trail = page.locator("details ul.audit")
    await expect(trail).to_contain_text(
        f"changed the role of Sam Okafor ({sam}) from Power to Regular"
    )
    await expect(trail).to_contain_text(
        f"corrected Jo Kim-Lee ({jo}): changed the last name from Kim to Kim-Lee"
    )
    lines = await trail.locator("li").all_inner_texts()
    for line in lines:
        assert not RAW.search(line.split(" — ", 1)[1]), line
        assert not any(code in line for code in AUDIT_ACTIONS), line
    await rep.check("account-audit-sentences")


async def test_refused_site_information_comes_back_beside_its_fields(
    site: Stack, browser: Browser, people: list[Person], clinic: Account
) -> None:
    rep = await signed_in(people, site, browser, clinic.session)
    await rep.open(f"/account/{clinic.provider_id}/info")
    page = rep.page
    await page.locator("#f-contacts-primary-email").fill("sam@@forms")
    await page.locator("#f-physical_address-zip").fill("12")
    await page.get_by_role("button", name="Send the changes").click()
    await expect(page.locator("#f-contacts-primary-email-error")).to_be_visible()
    await expect(page.locator("#f-physical_address-zip-error")).to_be_visible()
    await expect(page.locator("#f-contacts-primary-email")).to_have_value("sam@@forms")
    await expect(page.locator("#f-physical_address-zip")).to_have_value("12")
    await expect(page.locator("#error-summary li")).to_have_count(2)
    await rep.check("account-info-refused")


async def test_role_choices_follow_the_access_level(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        school = await enrolled(site, ctx, "school", "Roles", email_domain="roles-a.example")
        exchange = await enrolled(
            site, ctx, "data-exchange", "Roles", email_domain="roles-b.example"
        )
    finally:
        await ctx.close()
    for account, expected in (
        (school, ["read_only"]),
        (exchange, ["read_only", "regular", "power", "dx_qa"]),
    ):
        rep = await signed_in(people, site, browser, account.session)
        await rep.open(f"/account/{account.provider_id}/users/new")
        choices = rep.page.locator("#f-role input[type=radio]")
        assert await choices.evaluate_all("(all) => all.map((r) => r.value)") == expected
        some_user = next(iter(account.users.values()))
        await rep.open(f"/account/{account.provider_id}/users/{some_user}")
        assert await choices.evaluate_all("(all) => all.map((r) => r.value)") == expected
    await expect(rep.page.get_by_role("radio", name=re.compile("^DX QA"))).to_be_visible()


async def test_inactivating_asks_once_more_without_script(
    site: Stack, browser: Browser, people: list[Person], clinic: Account
) -> None:
    lee_email = f"lee.tran@{DOMAIN}"
    rep = await signed_in(people, site, browser, clinic.session, script=False)
    await rep.open(f"/account/{clinic.provider_id}")
    page = rep.page
    before = (await user_states(site, clinic.provider_id))[lee_email]
    assert before in ("active", "pending_training")
    row = page.get_by_role("row", name=re.compile("Lee Tran"))
    await row.get_by_role("button", name=re.compile("Inactivate")).click()
    await expect(page.locator("h1")).to_have_text("Inactivate Lee Tran?")
    await expect(page.locator("main")).to_contain_text("access to CAIR ends at once")
    assert (await user_states(site, clinic.provider_id))[lee_email] == before

    await page.get_by_role("link", name="No, keep their access").click()
    await expect(page.locator("h1")).to_contain_text("Lakeshore Family Medicine Forms")
    assert (await user_states(site, clinic.provider_id))[lee_email] == before

    await row.get_by_role("button", name=re.compile("Inactivate")).click()
    await page.get_by_role("button", name="Yes, inactivate Lee Tran").click()
    await expect(page.locator(".notice")).to_contain_text("Done")
    assert (await user_states(site, clinic.provider_id))[lee_email] == "inactive"
    await expect(row.get_by_role("button", name=re.compile("Reactivate"))).to_be_visible()


async def test_the_account_fits_a_phone_with_users_as_stacked_rows(
    site: Stack, browser: Browser, people: list[Person], clinic: Account
) -> None:
    rep = await signed_in(people, site, browser, clinic.session, width=390)
    await rep.open(f"/account/{clinic.provider_id}")
    page = rep.page
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= 390
    row = page.get_by_role("row", name=re.compile("Sam Okafor"))
    assert await row.evaluate("(tr) => getComputedStyle(tr).display") == "block"
    for control in (
        row.get_by_role("link", name=re.compile("Manage")),
        row.get_by_role("button", name=re.compile("Inactivate")),
    ):
        box = await control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    await expect(row.locator("td[data-label=Role]")).to_have_text(re.compile("Power|Regular"))
    await rep.check("account-on-a-phone")
