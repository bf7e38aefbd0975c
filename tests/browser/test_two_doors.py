"""The registry's two doors, in Chromium: the New Enrollment Page starts with the question of
the real one ("Will this site submit immunization data electronically from its EHR?"). No: the
New Enrollment form, which no longer asks it. Yes: the CAIR IZ Portal's enrollment, one form
that also asks about the first site's data exchange, checked and sent into the same staff queue
as a Data Exchange enrollment carrying its data-exchange answers (its first site also queries
CAIR: bidirectional). A missing answer comes back onto its field, with the rule named, the
other answers kept. Each page is photographed, checked by axe and at 390 px."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from cair.store.models.enrollment import EnrollmentRequestRow
from tests.helpers.browser import Person, person
from tests.helpers.form_pages import form_entries, role_choices, shown_entries, summary_links
from tests.helpers.stack import Stack

DOOR = re.compile("submit immunization data electronically")
FORM = "#enroll-form"
DOMAIN = "twodoors.example"
# The IZ Portal's questions about the first site (a role 1 site: it sends from its own EHR).
FIRST_SITE = {
    "#f-data_exchange-lead_clinician-first_name": "Rosa",
    "#f-data_exchange-lead_clinician-last_name": "Diaz",
    "#f-data_exchange-lead_clinician-license_number": "A123456",
    "#f-data_exchange-site_contact-first_name": "Mia",
    "#f-data_exchange-site_contact-last_name": "Garcia",
    "#f-data_exchange-site_contact-email": f"mgarcia@{DOMAIN}",
    "#f-data_exchange-ehr-name": "OpenClinic EHR",
    "#f-data_exchange-ehr-version": "12.4",
    "#f-data_exchange-ehr-vendor": "OpenClinic Systems",
    "#f-data_exchange-exchange_contact-first_name": "Tom",
    "#f-data_exchange-exchange_contact-last_name": "Becker",
    "#f-data_exchange-exchange_contact-email": f"tbecker@{DOMAIN}",
    "#f-data_exchange-agreement-representative_name": "Mia Garcia",
    "#f-data_exchange-agreement-representative_title": "Office Manager",
}


async def choose_door(me: Person, answer: str, county: str = "Alameda") -> None:
    await me.page.get_by_role("group", name=DOOR).get_by_label(answer).check()
    await me.page.get_by_label("County of the site's street address").select_option(county)


async def fill_organization(page: Page, name: str) -> None:
    """What every enrollment asks, typed in: a clinic with its provider of record, one
    contact, one user and the agreements."""
    await page.get_by_label("Organization name").fill(name)
    await page.get_by_label("Healthcare provider").check()
    address = page.locator("#s-organization-physical_address")
    await address.get_by_label("Street address").fill("7200 Bancroft Ave")
    await address.get_by_label("City").fill("Oakland")
    await address.get_by_label("State").fill("CA")
    await address.get_by_label("ZIP code").fill("94605")
    access = page.locator("#s-access")
    await access.get_by_role("group", name=re.compile("historical")).get_by_label("Yes").check()
    provider = page.locator("#s-provider_of_record")
    await provider.get_by_label("First name").fill("Rosa")
    await provider.get_by_label("Last name").fill("Diaz")
    await provider.get_by_label("License type").fill("MD")
    await provider.get_by_label("California license number").fill("A123456")
    await page.locator("#s-vaccine").get_by_role("radio", name="No").check()
    primary = page.locator("#s-contacts-primary")
    await primary.get_by_label("First name").fill("Mia")
    await primary.get_by_label("Last name").fill("Garcia")
    await primary.get_by_label("E-mail address").fill(f"mgarcia@{DOMAIN}")
    await primary.get_by_label("Phone").fill("510-555-0142")
    row = page.locator("#f-users-0")
    await row.get_by_label("First name").fill("Tom")
    await row.get_by_label("Last name").fill("Becker")
    await row.get_by_label("E-mail address").fill(f"tbecker@{DOMAIN}")
    await row.get_by_label("Role").select_option("dx_qa")
    for agreement in ("User Access Agreement", "Our patients"):
        await page.get_by_label(re.compile(agreement)).check()


async def test_the_general_door_leads_to_the_enrollment_form(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    me = await person(people, site, browser)
    await me.open("/")
    main = me.page.locator("main")
    await expect(main.get_by_role("link", name="CAIR IZ Portal")).to_have_attribute(
        "href", "/iz-portal/enroll"
    )
    await expect(main).to_contain_text("New Enrollment form")
    await me.page.get_by_role("link", name="Start enrolling").click()
    # The page starts with the door question, before the county.
    first = me.page.locator("form[action='/enroll/check'] fieldset").first
    await expect(first).to_contain_text("Will this site submit immunization data electronically")
    await expect(me.page.locator("main")).to_contain_text("CAIR IZ Portal")
    await me.check("two-doors-start")
    await choose_door(me, "No")
    await me.page.get_by_role("group", name=re.compile("give vaccines")).get_by_label("Yes").check()
    await me.page.get_by_role("group", name=re.compile("historical")).get_by_label("No").check()
    await me.page.get_by_role("button", name="Check").click()
    await expect(me.page.locator("h1")).to_have_text("You can enroll online")
    await expect(me.page.locator("h2").first).to_contain_text("Clinical")
    await me.check("two-doors-general-check")
    await me.page.get_by_role("link", name="Continue to the enrollment form").click()
    await expect(me.page).to_have_url(re.compile(r"/enroll/form\?"))
    # The general form no longer asks the electronic question: its answer is no.
    access = me.page.locator("#s-access")
    await expect(access.get_by_role("group", name=re.compile("electronically"))).to_have_count(0)
    await expect(access.locator("input[name='access.submits_electronically']")).to_have_value("no")
    await expect(me.page.locator("#s-data_exchange")).to_have_count(0)
    assert await role_choices(me.page, "#f-users-0-role") == ["read_only", "regular", "power"]
    await me.check("two-doors-general-form")


async def test_the_iz_portal_door_enrolls_a_data_exchange_site(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    me = await person(people, site, browser)
    await me.open("/enroll")
    await choose_door(me, "Yes")
    await me.page.get_by_role("button", name="Check").click()
    await expect(me.page.locator("h1")).to_have_text("You enroll at the CAIR IZ Portal")
    await expect(me.page.locator("main")).to_contain_text("staging credentials")
    await me.check("two-doors-iz-check")
    await me.page.get_by_role(
        "link", name="Continue to the enrollment form at the IZ Portal"
    ).click()
    await expect(me.page).to_have_url(re.compile(r"/iz-portal/enroll\?"))
    await expect(me.page.locator("#f-organization-county")).to_have_value("Alameda")
    # The door settles two access answers; every role is open (Data Exchange).
    access = me.page.locator("#s-access")
    await expect(access).to_contain_text("Data Exchange")
    await expect(access.get_by_role("group", name=re.compile("give vaccines"))).to_have_count(0)
    assert await role_choices(me.page, "#f-users-0-role") == [
        "read_only",
        "regular",
        "power",
        "dx_qa",
    ]
    await me.check("two-doors-iz-form")

    name = "Twodoors Eastmont Clinic"
    await fill_organization(me.page, name)
    await me.page.locator("#f-data_exchange-clinical").get_by_label("Yes").check()
    for selector, value in FIRST_SITE.items():
        await me.page.locator(selector).fill(value)
    for question in ("#f-data_exchange-ehr-certified", "#f-data_exchange-ehr-hl7_capable"):
        await me.page.locator(question).get_by_label("Yes").check()
    await me.page.get_by_label(re.compile("Role 1")).check()
    facility = me.page.locator("#f-data_exchange-sending_facility_id")
    await expect(facility).to_be_hidden()  # role 2 only
    queries = me.page.locator("#f-data_exchange-bidirectional")
    await expect(queries.get_by_label("No")).to_be_checked()  # unless it says it queries
    await queries.get_by_label("Yes").check()
    await me.page.locator("#f-data_exchange-agreement-accepted").check()
    entered = await shown_entries(me.page, FORM)
    await me.page.get_by_role("button", name="Continue").click()

    # The answers in words, the first site's among them, and the steps that follow.
    await expect(me.page.locator("h1")).to_contain_text("Check your answers")
    main = me.page.locator("main")
    for words in ("Data Exchange", "OpenClinic EHR 12.4", "Role 1: sends directly", "Rosa Diaz"):
        await expect(main).to_contain_text(words)
    await expect(main).to_contain_text("Yes: bidirectional (Z34 history queries)")
    await expect(main).to_contain_text("staging credentials")
    await expect(main).to_contain_text("Each further site is registered at the IZ Portal")
    await me.check("two-doors-iz-answers")
    carried = await form_entries(me.page, "form.check-answers")
    await me.page.get_by_role("button", name=re.compile("Change electronic health")).click()
    await expect(me.page).to_have_url(re.compile("#s-data_exchange-ehr$"))
    assert await shown_entries(me.page, FORM) == entered
    await me.page.get_by_role("button", name="Continue").click()
    assert await form_entries(me.page, "form.check-answers") == carried
    await me.page.get_by_role("button", name=re.compile("Change immunization history")).click()
    await expect(me.page).to_have_url(re.compile("#f-data_exchange-bidirectional$"))
    await expect(queries.get_by_label("Yes")).to_be_checked()
    await me.page.get_by_role("button", name="Continue").click()
    assert await form_entries(me.page, "form.check-answers") == carried

    await me.page.get_by_role("button", name="Send enrollment").click()
    await expect(me.page.locator("h1")).to_contain_text("Your enrollment was sent")
    await expect(me.page.locator("main")).to_contain_text("The steps to data exchange")
    await me.check("two-doors-iz-sent")
    tracking = (await me.page.locator(".tracking-id").inner_text()).strip()

    # In the staff queue like any enrollment: Data Exchange, its answers on the request.
    ctx = site.context()
    try:
        async with ctx.db.sessions() as session:
            row = await session.scalar(
                select(EnrollmentRequestRow).where(EnrollmentRequestRow.id == tracking)
            )
    finally:
        await ctx.close()
    assert row is not None
    assert row.access_level == "data_exchange"
    assert row.stage == "awaiting_review"
    assert row.org_name == name
    exchange = row.request["data_exchange"]
    assert exchange["role"] == 1 and exchange["sending_facility_id"] is None
    assert exchange["ehr"]["name"] == "OpenClinic EHR"
    assert exchange["lead_clinician"]["license_number"] == "A123456"
    assert exchange["agreement"]["accepted"] is True
    assert exchange["bidirectional"] is True  # its staging test plan will ask for queries
    assert row.request["access"]["submits_electronically"] is True


async def test_missing_answers_come_back_onto_their_fields(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    me = await person(people, site, browser)
    # The door question unanswered: named, beside it.
    await me.open("/enroll")
    await me.page.get_by_role("button", name="Check").click()
    summary = me.page.locator("#error-summary")
    door = summary.get_by_role("link", name=re.compile("Will this site submit immunization"))
    await expect(door).to_have_attribute("href", "#q-submits_electronically")
    await expect(me.page.locator("#q-submits_electronically-error")).to_contain_text("yes or no")
    await me.check("two-doors-start-missing")

    # A role 2 site without its Sending Facility: the rule beside the field, the rest kept.
    await me.open("/iz-portal/enroll?county=Alameda")
    await fill_organization(me.page, "Twodoors Missing Clinic")
    await me.page.locator("#f-data_exchange-clinical").get_by_label("No").check()
    for selector, value in FIRST_SITE.items():
        if "lead_clinician" not in selector:
            await me.page.locator(selector).fill(value)
    for question in ("#f-data_exchange-ehr-certified", "#f-data_exchange-ehr-hl7_capable"):
        await me.page.locator(question).get_by_label("Yes").check()
    await me.page.get_by_label(re.compile("Role 2")).check()
    await expect(me.page.locator("#f-data_exchange-sending_facility_id")).to_be_visible()
    await me.page.locator("#f-data_exchange-bidirectional").get_by_label("Yes").check()
    await me.page.locator("#f-data_exchange-agreement-accepted").check()
    await me.page.get_by_role("button", name="Continue").click()
    links = dict(await summary_links(me.page))
    assert list(links) == ["f-data_exchange-sending_facility_id"], links
    assert "required for a role 2 site" in links["f-data_exchange-sending_facility_id"]
    await expect(me.page.locator("#f-data_exchange-sending_facility_id-error")).to_contain_text(
        "required for a role 2 site"
    )
    await expect(me.page.locator("#f-data_exchange-ehr-name")).to_have_value("OpenClinic EHR")
    await expect(me.page.get_by_label(re.compile("Role 2"))).to_be_checked()
    queries = me.page.locator("#f-data_exchange-bidirectional")
    await expect(queries.get_by_label("Yes")).to_be_checked()
    await expect(me.page.get_by_label("Organization name")).to_have_value("Twodoors Missing Clinic")
    await me.check("two-doors-iz-missing")
