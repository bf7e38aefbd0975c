"""The IZ Portal in Chromium: a Data Exchange organization's representative finds the data
exchange sites from the account page, sends the registration form empty and sees every problem
by its field, checks its answers, registers the site, and follows it; a reviewer approves it for
production from the console, on a page that says what that does. Each page is photographed
and checked by axe."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect
from sqlalchemy import select

from cair.domain.contracts.data_exchange import DxEnvironment
from cair.operations import credentials, dx_messages
from cair.store.models import DxSiteRow
from tests.helpers.accounts import enrolled
from tests.helpers.browser import Person, person
from tests.helpers.links import link_in
from tests.helpers.revealed import REVEALED_SECRETS
from tests.helpers.stack import Stack
from tests.helpers.staff import staff_session
from tests.helpers.vxu import vxu
from tests.helpers.waiting import eventually

DOMAIN = "izpages.example"
REP = f"pnair@{DOMAIN}"
FILLED = {
    "#f-site_name": "Valley Community Health Center - Oakland",
    "#f-physical_address-line1": "1400 International Blvd",
    "#f-physical_address-city": "Oakland",
    "#f-physical_address-state": "CA",
    "#f-physical_address-zip": "94606",
    "#f-lead_clinician-first_name": "Maria",
    "#f-lead_clinician-last_name": "Gomez",
    "#f-lead_clinician-license_number": "A123456",
    "#f-site_contact-first_name": "Priya",
    "#f-site_contact-last_name": "Nair",
    "#f-site_contact-email": REP,
    "#f-ehr-name": "OpenClinic EHR",
    "#f-ehr-version": "12.4",
    "#f-ehr-vendor": "OpenClinic Systems",
    "#f-exchange_contact-first_name": "Tom",
    "#f-exchange_contact-last_name": "Becker",
    "#f-exchange_contact-email": f"tbecker@{DOMAIN}",
    "#f-agreement-representative_name": "Priya Nair",
    "#f-agreement-representative_title": "Practice Manager",
}


async def test_a_site_is_registered_followed_and_approved_in_a_browser(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        account = await enrolled(site, ctx, "data-exchange", "IzPages", email_domain=DOMAIN)
        reviewer = await staff_session(site, ctx, "iz.pages@cair.test", "reviewer")
        admin_session = await staff_session(site, ctx, "iz.admin@cair.test", "admin")
    finally:
        await ctx.close()
    provider_id = account.provider_id
    rep = await person(people, site, browser)
    await rep.context.add_cookies(
        [{"name": "cair_session", "value": account.session, "url": site.api_url}]
    )
    await rep.open(f"/account/{provider_id}")
    await rep.page.get_by_role("link", name=re.compile("Data exchange sites")).click()
    await expect(rep.page.locator("h1")).to_have_text("Data exchange sites")
    await rep.check("dx-sites-none")
    await rep.page.get_by_role("link", name="Register a site").click()
    await rep.check("dx-site-form")

    # Sent empty: every problem by its field, the form kept, nothing registered.
    await rep.page.locator("#f-site_name").fill("Half A Site")
    await rep.page.get_by_role("button", name="Continue").click()
    summary = rep.page.locator("#error-summary")
    await expect(summary).to_contain_text("Clinical site: required")
    await expect(summary).to_contain_text("Site contact: First name: required")
    first_name = summary.get_by_role("link", name=re.compile("Site contact: First name"))
    await expect(first_name).to_have_attribute("href", "#f-site_contact-first_name")
    await expect(rep.page.locator("#f-site_name")).to_have_value("Half A Site")
    await rep.check("dx-site-errors")

    # A clinical site: its lead clinician's part shows once that is answered.
    for question in ("#f-clinical", "#f-ehr-certified", "#f-ehr-hl7_capable"):
        await rep.page.locator(question).get_by_label("Yes").check()
    for selector, value in FILLED.items():
        await rep.page.locator(selector).fill(value)
    await rep.page.locator("#f-county").select_option("Alameda")
    await rep.page.get_by_label(re.compile("Role 1")).check()
    await rep.page.locator("#f-agreement-accepted").check()
    await rep.page.get_by_role("button", name="Continue").click()
    await expect(rep.page.locator("h1")).to_contain_text("Check the site's registration")
    await rep.check("dx-site-check")
    await rep.page.get_by_role("button", name="Register the site").click()
    await expect(rep.page.locator(".notice")).to_contain_text("registered")
    notice = await rep.page.locator(".notice").inner_text()
    site_id = re.search(r"Site (CA\d{6}-\d{2})", notice)
    assert site_id, notice
    await expect(rep.page.get_by_role("region", name=re.compile(site_id.group(1)))).to_contain_text(
        "Oakland"
    )
    await rep.check("dx-sites")

    # The site sends its test plan (as its EHR would), and a reviewer approves it.
    sid = site_id.group(1)
    ctx = site.context()
    try:
        await eventually(lambda: site.outbox.to(REP, f"staging credentials for site {sid}"))
        token = link_in(site, REP, f"site {sid}", "/credentials/reveal/").rsplit("/", 1)[-1]
        shown = await credentials.reveal(ctx, token)
        REVEALED_SECRETS.append(shown.secret)
        for n in range(-1, 10):  # -1: the plan's rejected case, a VXU without its vaccine
            patient = f"CAIRTEST00{n % 3 + 1}^^^{sid}^MR"
            answer = await dx_messages.receive(
                ctx,
                DxEnvironment.STAGING,
                username=shown.username,
                password=shown.secret,
                facility_id=sid,
                hl7_message=vxu(
                    facility=sid,
                    responsible=sid,
                    dose_site=sid,
                    patient=patient,
                    vaccine="^^CVX" if n < 0 else "08^HEPB-PEDS^CVX",
                ),
            )
            assert answer.verdict.accepted == (n >= 0)

        async def in_review() -> bool:
            async with ctx.db.sessions() as session:
                row = await session.scalar(select(DxSiteRow).where(DxSiteRow.site_id == sid))
            return row is not None and row.stage == "ready_for_review"

        await eventually(in_review, timeout=60)
    finally:
        await ctx.close()
    staff = await person(people, site, browser)
    await staff.context.add_cookies(
        [{"name": "cair_session", "value": reviewer, "url": site.api_url}]
    )
    await staff.open("/staff/dx-sites")
    row = staff.page.get_by_role("row", name=re.compile(sid))
    await expect(row).to_contain_text("waiting for registry staff")
    await staff.check("staff-dx-sites")
    await row.get_by_role("link", name=re.compile("Approve production")).click()
    await expect(staff.page.locator("h1")).to_have_text(f"Approve {sid} for production?")
    await staff.check("staff-dx-approve")
    await staff.page.get_by_role("button", name=f"Approve production for {sid}").click()
    await expect(staff.page.locator(".notice")).to_contain_text(f"{sid} approved")
    await eventually(lambda: site.outbox.to(REP, f"production credentials for site {sid}"))
    await rep.page.reload()
    await expect(rep.page.get_by_role("region", name=re.compile(sid))).to_contain_text(
        "Production credentials issued"
    )

    # The representative lost the production link: an admin issues new credentials.
    before = len(site.outbox.to(REP, f"production credentials for site {sid}"))
    admin = await person(people, site, browser)
    await admin.context.add_cookies(
        [{"name": "cair_session", "value": admin_session, "url": site.api_url}]
    )
    await admin.open("/staff/dx-sites?stage=all")
    row = admin.page.get_by_role("row", name=re.compile(sid))
    await admin.check("staff-dx-sites-admin")
    await row.get_by_role("link", name=re.compile("New production credentials")).click()
    await expect(admin.page.locator("main")).to_contain_text("stops working at once")
    await admin.page.get_by_role("button", name=re.compile("Issue new production")).click()
    await expect(admin.page.locator(".notice")).to_contain_text("the old password no longer")
    await eventually(
        lambda: len(site.outbox.to(REP, f"production credentials for site {sid}")) > before
    )
