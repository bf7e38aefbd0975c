"""The IZ Portal's forms the way people meet them, in Chromium: a representative sends the site
registration empty and then with mistakes and gets every problem in one round, linked to its
field, values kept; checks the answers, changes one part and gets them all back; registers.
Staff get a page that says what will happen before a site's credentials are replaced or it is
sent back, and a refusal comes back as that page with its reason and the message kept."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from tests.helpers.accounts import enrolled
from tests.helpers.browser import Person, person
from tests.helpers.form_pages import form_entries, marks, shown_entries, summary_links
from tests.helpers.stack import Stack
from tests.helpers.staff import staff_session
from tests.helpers.waiting import eventually

DOMAIN = "izforms.example"
REP = f"pnair@{DOMAIN}"  # the representative: the example's primary contact
FORM = "#site-form"
FILLED = {
    "#f-site_name": "Eastmont Family Clinic",
    "#f-physical_address-line1": "7200 Bancroft Ave",
    "#f-physical_address-city": "Oakland",
    "#f-physical_address-state": "Calif.",  # read as CA
    "#f-physical_address-zip": "94605",
    "#f-lead_clinician-first_name": "Rosa",
    "#f-lead_clinician-last_name": "Diaz",
    "#f-lead_clinician-license_number": "not a license",  # a mistake
    "#f-site_contact-first_name": "Mia",
    "#f-site_contact-last_name": "Garcia",
    "#f-site_contact-email": f"mgarcia@{DOMAIN}",
    "#f-ehr-name": "OpenClinic EHR",
    "#f-ehr-version": "12.4",
    "#f-ehr-vendor": "OpenClinic Systems",
    "#f-exchange_contact-first_name": "Tom",
    "#f-exchange_contact-last_name": "Becker",
    "#f-exchange_contact-email": f"tbecker@{DOMAIN}",
    "#f-agreement-representative_name": "Mia Garcia",
    "#f-agreement-representative_title": "Office Manager",
}


async def test_a_site_registration_checked_changed_and_sent(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        account = await enrolled(site, ctx, "data-exchange", "IzForms", email_domain=DOMAIN)
        admin_session = await staff_session(site, ctx, "iz.forms.admin@cair.test", "admin")
    finally:
        await ctx.close()
    rep = await person(people, site, browser)
    await rep.context.add_cookies(
        [{"name": "cair_session", "value": account.session, "url": site.api_url}]
    )
    await rep.open(f"/account/{account.provider_id}/dx-sites/new")

    # What follows an answer shows once it is given (script); no role is assumed.
    assert not (await marks(rep.page, "#s-lead_clinician"))["shown"]
    await rep.page.locator("#f-clinical").get_by_label("Yes").check()
    assert (await marks(rep.page, "#s-lead_clinician"))["asterisks"] == 3
    await rep.page.get_by_label(re.compile("Role 2")).check()
    facility = "#s-role .field:has(#f-sending_facility_id)"
    assert (await marks(rep.page, facility))["asterisks"] == 1
    await rep.page.get_by_label(re.compile("Role 1")).check()
    assert not (await marks(rep.page, facility))["shown"]

    # Sent empty: every problem in one round, each linked to its field.
    await rep.page.get_by_role("button", name="Continue").click()
    links = dict(await summary_links(rep.page))
    texts = " | ".join(links.values())
    assert "Site name: required" in texts, texts
    assert "agreement is required" in texts, texts  # a rule problem, in the same round
    await expect(rep.page.locator("#f-clinical").get_by_label("Yes")).to_be_checked()
    await rep.check("dx-site-form-empty")

    # With mistakes: named beside their fields, values kept (the state read as CA).
    for selector, value in FILLED.items():
        await rep.page.locator(selector).fill(value)
    await rep.page.locator("#f-county").select_option("Alameda")
    for question in ("#f-ehr-certified", "#f-ehr-hl7_capable"):
        await rep.page.locator(question).get_by_label("Yes").check()
    await rep.page.locator("#f-agreement-accepted").check()
    await rep.page.get_by_role("button", name="Continue").click()
    links = dict(await summary_links(rep.page))
    assert list(links) == ["f-lead_clinician-license_number"], links
    await expect(rep.page.locator("#f-physical_address-state")).to_have_value("CA")
    await expect(rep.page.locator("#f-site_name")).to_have_value(FILLED["#f-site_name"])
    await rep.check("dx-site-form-mistake")
    await rep.page.locator("#f-lead_clinician-license_number").fill("A654321")
    entered = await shown_entries(rep.page, FORM)
    await rep.page.get_by_role("button", name="Continue").click()

    # The answers in words; "Change" brings every one back; nothing is registered yet.
    await expect(rep.page.locator("h1")).to_contain_text("Check the site's registration")
    main = rep.page.locator("main")
    for words in ("Alameda (Bay Area)", "Role 1: sends directly", "Rosa Diaz"):
        await expect(main).to_contain_text(words)
    await rep.check("dx-site-check-answers")
    carried = await form_entries(rep.page, "form.check-answers")
    await rep.page.get_by_role("button", name=re.compile("Change electronic health")).click()
    await expect(rep.page).to_have_url(re.compile("#s-ehr$"))
    assert await shown_entries(rep.page, FORM) == entered
    await rep.page.get_by_role("button", name="Continue").click()
    assert await form_entries(rep.page, "form.check-answers") == carried
    await rep.page.get_by_role("button", name="Register the site").click()
    await expect(rep.page.locator(".notice")).to_contain_text("registered")
    notice = await rep.page.locator(".notice").inner_text()
    found = re.search(r"Site (CA\d{6}-\d{2})", notice)
    assert found, notice
    sid = found.group(1)
    await eventually(lambda: site.outbox.to(REP, f"staging credentials for site {sid}"))

    # New staging credentials: a page says what stops working, and Cancel leaves it be.
    admin = await person(people, site, browser)
    await admin.context.add_cookies(
        [{"name": "cair_session", "value": admin_session, "url": site.api_url}]
    )
    await admin.open("/staff/dx-sites?stage=all")
    row = admin.page.get_by_role("row", name=re.compile(sid))
    before = len(site.outbox.to(REP, f"staging credentials for site {sid}"))
    await row.get_by_role("link", name=re.compile("New staging credentials")).click()
    await expect(admin.page.locator("h1")).to_have_text(f"New staging credentials for {sid}?")
    await expect(admin.page.locator("main")).to_contain_text("stops working at once")
    await admin.check("staff-dx-new-credentials")
    await admin.page.get_by_role("link", name=re.compile("Cancel")).click()
    await expect(admin.page.locator("h1")).to_have_text("Data exchange sites")
    assert len(site.outbox.to(REP, f"staging credentials for site {sid}")) == before
    row = admin.page.get_by_role("row", name=re.compile(sid))
    await row.get_by_role("link", name=re.compile("New staging credentials")).click()
    await admin.page.get_by_role("button", name=f"Issue new staging credentials for {sid}").click()
    await expect(admin.page.locator(".notice")).to_contain_text("the old password no longer")
    await eventually(
        lambda: len(site.outbox.to(REP, f"staging credentials for site {sid}")) > before
    )

    # Sending back a site that is not in review, without a message: the same page, every
    # reason in one round, each beside its place; then the message is kept.
    await admin.open(f"/staff/dx-sites/{sid}/send-back")
    await admin.page.get_by_role("button", name=re.compile("back to testing")).click()
    links = dict(await summary_links(admin.page))
    assert list(links) == ["action-form", "f-message"], links
    assert "not waiting for review" in links["action-form"]
    await expect(admin.page.locator("#f-message-error")).to_be_visible()
    await admin.page.locator("#f-message").fill("Send a VXU for each test patient again.")
    await admin.page.get_by_role("button", name=re.compile("back to testing")).click()
    links = dict(await summary_links(admin.page))
    assert list(links) == ["action-form"], links
    await expect(admin.page.locator("#f-message")).to_have_value(
        "Send a VXU for each test patient again."
    )
    await admin.check("staff-dx-send-back-refused")
    await admin.open(f"/staff/dx-sites/{sid}/approve")
    await admin.page.get_by_role("button", name=f"Approve production for {sid}").click()
    await summary_links(admin.page)
    await expect(admin.page.locator("h1")).to_have_text(f"Approve {sid} for production?")
