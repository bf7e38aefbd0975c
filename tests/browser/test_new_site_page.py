"""An enrolled clinic's representative enrolls a new site from the account page, in Chromium: the
organization's facts are filled in, the site's own asked; the answers checked, then sent; the
page after says the tracking id and where it went, and the staff queue has it as a new site of
the organization. A form with mistakes comes back with each problem beside its field and every
value kept."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest_asyncio
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from cair.store.models.enrollment import EnrollmentRequestRow
from tests.helpers.accounts import Account, enrolled
from tests.helpers.browser import Person
from tests.helpers.form_pages import form_entries, shown_entries, summary_links
from tests.helpers.signed_in import signed_in
from tests.helpers.stack import Stack
from tests.helpers.waiting import eventually

DOMAIN = "newsitepage.example"
FORM = "#new-site-form"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def clinic(site: Stack) -> AsyncIterator[Account]:
    """A clinic (Clinical access), its representative signed in."""
    ctx = site.context()
    try:
        yield await enrolled(site, ctx, "clinic", "NewSitePage", email_domain=DOMAIN)
    finally:
        await ctx.close()


async def fill_site(page: Page, *, name: str, zip_code: str) -> None:
    """The site's own facts: in Fresno, no state-supplied vaccine, both agreements."""
    await page.locator("#f-site_name").fill(name)
    await page.locator("#f-county").select_option("Fresno")
    await page.locator("#f-physical_address-line1").fill("77 Main St")
    await page.locator("#f-physical_address-city").fill("Fresno")
    await page.locator("#f-physical_address-state").fill("California")  # read as CA
    await page.locator("#f-physical_address-zip").fill(zip_code)
    await page.locator("#f-receives_state_supplied_vaccine").get_by_label("No").check()
    await page.locator("#f-agreements-user_access_agreement").check()
    await page.locator("#f-agreements-patient_notice_acknowledged").check()


async def test_a_new_site_in_fresno_is_checked_and_sent_to_staff(
    site: Stack, browser: Browser, people: list[Person], clinic: Account
) -> None:
    rep = await signed_in(people, site, browser, clinic.session)
    await rep.open(f"/account/{clinic.provider_id}")
    await rep.page.get_by_role("link", name="Enroll a new site").click()
    page = rep.page
    await expect(page.locator("h1")).to_have_text("Enroll a new site")

    # The organization's facts, filled in from the account; its contacts by default.
    facts = page.locator("section[aria-labelledby=org-facts]")
    await expect(facts).to_contain_text(clinic.provider_id)
    await expect(facts).to_contain_text("Lakeshore Family Medicine NewSitePage")
    await expect(facts).to_contain_text("Ana Reyes, MD A123456")
    await expect(facts).to_contain_text("Clinical")
    await expect(
        page.get_by_role("radio", name=re.compile("^Use the organization's contacts"))
    ).to_be_checked()
    await expect(page.locator("#s-contacts-primary")).to_be_hidden()
    await rep.check("new-site-form")

    await fill_site(page, name="NewSitePage Fresno", zip_code="93702")
    await page.get_by_role("button", name="Add a user").click()
    await page.locator("#f-users-0-first_name").fill("Ines")
    await page.locator("#f-users-0-last_name").fill("Paz")
    await page.locator("#f-users-0-email").fill(f"ines.paz@{DOMAIN}")
    await page.locator("#f-users-0-role").select_option("regular")
    await expect(page.locator("#f-site_name")).to_have_value("NewSitePage Fresno")  # kept
    entered = await shown_entries(page, FORM)
    await page.get_by_role("button", name="Continue", exact=True).click()

    # The answers in words; "Change" brings every one back; nothing is sent yet.
    await expect(page.locator("h1")).to_contain_text("Check the new site")
    main = page.locator("main")
    for words in ("NewSitePage Fresno", "Fresno County", "77 Main St", "Fresno, CA 93702"):
        await expect(main).to_contain_text(words)
    await expect(main).to_contain_text("The organization's, as on your account")
    await expect(main).to_contain_text("Sam Okafor")
    await expect(main).to_contain_text("Ines Paz")
    await rep.check("new-site-check-answers")
    carried = await form_entries(page, "form.check-answers")
    await page.get_by_role("button", name=re.compile("Change the new site")).click()
    await expect(page).to_have_url(re.compile("#s-site$"))
    await expect(page.locator("#f-physical_address-state")).to_have_value("CA")
    assert await shown_entries(page, FORM) == [
        (k, "CA" if k == "physical_address.state" else v) for k, v in entered
    ]
    await page.get_by_role("button", name="Continue", exact=True).click()
    assert await form_entries(page, "form.check-answers") == carried

    await page.get_by_role("button", name="Send the new site").click()
    await expect(page.locator("h1")).to_have_text("Your new site was sent")
    await expect(main).to_contain_text("It went to registry staff for review")
    tracking = (await page.locator(".tracking-id").inner_text()).strip()
    assert tracking, await main.inner_text()
    await rep.check("new-site-sent")

    ctx = site.context()
    try:
        async with ctx.db.sessions() as session:
            row = await session.scalar(
                select(EnrollmentRequestRow).where(EnrollmentRequestRow.id == tracking)
            )
    finally:
        await ctx.close()
    assert row is not None
    assert row.stage == "awaiting_review"
    assert row.county == "Fresno"
    assert row.request["new_site"] == {
        "provider_id": clinic.provider_id,
        "site_name": "NewSitePage Fresno",
    }
    assert row.request["contacts"]["primary"]["email"] == f"sam.okafor@{DOMAIN}"
    assert [u["email"] for u in row.request["users"]] == [f"ines.paz@{DOMAIN}"]


async def test_a_broken_new_site_comes_back_with_each_problem_beside_its_field(
    site: Stack, browser: Browser, people: list[Person], clinic: Account
) -> None:
    rep = await signed_in(people, site, browser, clinic.session, width=390)
    await rep.open(f"/account/{clinic.provider_id}/sites/new")
    page = rep.page
    await fill_site(page, name="", zip_code="10001")  # no name, a New York ZIP code
    await page.get_by_role("button", name="Continue", exact=True).click()

    links = dict(await summary_links(page))
    assert list(links) == ["f-site_name", "f-physical_address-zip"], links
    await expect(page.locator("#f-site_name-error")).to_contain_text("required")
    await expect(page.locator("#f-site_name")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#f-physical_address-zip-error")).to_be_visible()
    await expect(page.locator("#f-physical_address-zip")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("h1")).to_have_text("Enroll a new site")
    # Nothing typed is lost.
    await expect(page.locator("#f-physical_address-zip")).to_have_value("10001")
    await expect(page.locator("#f-physical_address-line1")).to_have_value("77 Main St")
    await expect(page.locator("#f-physical_address-city")).to_have_value("Fresno")
    await expect(page.locator("#f-county")).to_have_value("Fresno")
    await expect(
        page.locator("#f-receives_state_supplied_vaccine").get_by_label("No")
    ).to_be_checked()
    await expect(page.locator("#f-agreements-user_access_agreement")).to_be_checked()
    await expect(page.locator("#f-agreements-patient_notice_acknowledged")).to_be_checked()
    await expect(
        page.get_by_role("radio", name=re.compile("^Use the organization's contacts"))
    ).to_be_checked()
    await rep.check("new-site-form-refused")


async def test_a_site_with_its_own_contacts_in_san_diego_goes_to_the_local_representative(
    site: Stack, browser: Browser, people: list[Person], clinic: Account
) -> None:
    rep = await signed_in(people, site, browser, clinic.session)
    await rep.open(f"/account/{clinic.provider_id}/sites/new")
    page = rep.page
    await fill_site(page, name="NewSitePage San Diego", zip_code="92101")
    await page.locator("#f-county").select_option("San Diego")
    await page.locator("#f-physical_address-city").fill("San Diego")
    await page.get_by_role("radio", name="The site has contacts of its own").check()
    await expect(page.locator("#s-contacts-primary")).to_be_visible()
    await page.locator("#f-contacts-primary-first_name").fill("Rita")
    await page.locator("#f-contacts-primary-last_name").fill("Moreno")
    await page.locator("#f-contacts-primary-email").fill(f"rita.moreno@{DOMAIN}")
    await page.get_by_role("button", name="Continue", exact=True).click()

    # The primary contact's phone is required: named beside it, the choice kept.
    await expect(page.locator("#f-contacts-primary-phone-error")).to_contain_text("required")
    await expect(page.get_by_role("radio", name="The site has contacts of its own")).to_be_checked()
    await expect(page.locator("#f-contacts-primary-first_name")).to_have_value("Rita")
    await page.locator("#f-contacts-primary-phone").fill("619-555-0100")
    await page.get_by_role("button", name="Continue", exact=True).click()
    await expect(page.locator("main")).to_contain_text("Rita Moreno")
    await page.get_by_role("button", name="Send the new site").click()

    await expect(page.locator("h1")).to_have_text("Your new site was sent")
    main = page.locator("main")

    async def routed() -> bool:
        """The page says where the site went once the request is routed; until then it asks
        to be refreshed, as a person would."""
        if "Local CAIR" in await main.inner_text():
            return True
        await page.reload()
        return False

    await eventually(routed, timeout=30, interval=0.5)
    await expect(main).to_contain_text("San Diego County enrolls its sites through its Local CAIR")
    await expect(main).to_contain_text("Your Local CAIR Representative")
    await rep.check("new-site-sent-local")


async def test_a_data_exchange_organization_answers_the_iz_portal_questions(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        account = await enrolled(site, ctx, "data-exchange", "NewSiteDx", email_domain=DOMAIN)
    finally:
        await ctx.close()
    rep = await signed_in(people, site, browser, account.session)
    await rep.open(f"/account/{account.provider_id}")
    await expect(rep.page.get_by_role("link", name="register a data exchange site")).to_be_visible()
    await rep.page.get_by_role("link", name="Enroll a new site").click()
    page = rep.page
    await expect(page.locator("#s-data_exchange")).to_be_visible()
    await fill_site(page, name="NewSiteDx Fresno", zip_code="93702")
    await page.get_by_role("button", name="Continue", exact=True).click()

    # The IZ Portal's questions unanswered: each named beside its field, in one round.
    links = dict(await summary_links(page))
    assert "f-data_exchange-clinical" in links, links
    assert "f-data_exchange-ehr-name" in links, links
    assert all("-data_exchange-" in anchor for anchor in links), links
    await expect(page.locator("#f-site_name")).to_have_value("NewSiteDx Fresno")
    await rep.check("new-site-form-data-exchange")
