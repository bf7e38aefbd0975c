"""The enrollment form as a clinic's office manager meets it, in Chromium: the access check
keeps its answers when changed; the form asks what the answers call for (with and without
script); sent empty and then with mistakes it comes back with every problem in one round, each
linked to its field, every value kept; then the answers are checked, one part changed and the
answers come back whole, and only "Send" sends. Each page is photographed and checked by axe."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Browser, expect

from cair.operations import enrollments
from tests.helpers.browser import Person, person
from tests.helpers.examples import variant
from tests.helpers.form_pages import (
    form_entries,
    marks,
    optional_parts_with_asterisks,
    role_choices,
    shown_entries,
    summary_links,
)
from tests.helpers.stack import Stack

FORM = "#enroll-form"
CLINICAL = "county=Alameda&administers_vaccines=yes&submits_electronically=no"
CLINICAL += "&enters_historical_doses=yes"


async def answer_access(me: Person, county: str, answers: tuple[str, str, str]) -> None:
    await me.page.get_by_label("County of the site's street address").select_option(county)
    questions = ("give vaccines", "electronically", "historical")
    for question, answer in zip(questions, answers, strict=True):
        group = me.page.get_by_role("group", name=re.compile(question))
        await group.get_by_label(answer).check()


async def fill_clinic(me: Person, tag: str) -> dict[str, Any]:
    """A clinic variant typed in, with two mistakes: a wrong NPI, no vaccine coordinator."""
    data = variant("clinic", tag, email_domain=f"{tag.lower()}.example")
    data["organization"]["name"] = f"{tag} Family Clinic"
    page, org = me.page, data["organization"]
    await page.get_by_label("Organization name").fill(org["name"])
    await page.get_by_label("Healthcare provider").check()
    address = page.locator("#s-organization-physical_address")
    await address.get_by_label("Street address").fill(org["physical_address"]["line1"])
    await address.get_by_label("City").fill(org["physical_address"]["city"])
    await address.get_by_label("State").fill("California")  # read as CA
    await address.get_by_label("ZIP code").fill(org["physical_address"]["zip"])
    provider = data["provider_of_record"]
    section = page.locator("#s-provider_of_record")
    await section.get_by_label("First name").fill(provider["first_name"])
    await section.get_by_label("Last name").fill(provider["last_name"])
    await section.get_by_label("License type").fill(provider["license_type"])
    await section.get_by_label("California license number").fill(provider["license_number"])
    await section.get_by_label("NPI").fill("1234567890")  # the check digit is wrong
    vaccine = page.locator("#s-vaccine")
    await vaccine.get_by_role("radio", name="Yes").check()
    await vaccine.get_by_label("VFC", exact=True).check()
    await vaccine.get_by_label("VFC PIN").fill(org["vfc_pin"])
    primary = data["contacts"]["primary"]
    part = page.locator("#s-contacts-primary")
    for label, key in (("First name", "first_name"), ("Last name", "last_name")):
        await part.get_by_label(label).fill(primary[key])
    await part.get_by_label("E-mail address").fill(primary["email"])
    await part.get_by_label("Phone").fill(primary["phone"])
    user = data["users"][0]
    row = page.locator("#f-users-0")
    await row.get_by_label("First name").fill(user["first_name"])
    await row.get_by_label("Last name").fill(user["last_name"])
    await row.get_by_label("E-mail address").fill(user["email"])
    await row.get_by_label("Role").select_option("power")
    return data


async def test_the_access_check_keeps_its_answers(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    me = await person(people, site, browser)
    await me.open("/enroll")
    await expect(me.page.get_by_role("heading", name=re.compile("four questions"))).to_be_visible()
    await answer_access(me, "Alameda", ("Yes", "Yes", "No"))
    await me.page.get_by_role("button", name="Check").click()
    await expect(me.page.locator("h2").first).to_contain_text("Data Exchange")
    await me.page.get_by_role("link", name="Change my answers").click()
    await expect(me.page.get_by_label("County of the site's street address")).to_have_value(
        "Alameda"
    )
    for question, answer in (("give vaccines", "Yes"), ("electronically", "Yes")):
        group = me.page.get_by_role("group", name=re.compile(question))
        await expect(group.get_by_label(answer)).to_be_checked()
    await expect(
        me.page.get_by_role("group", name=re.compile("historical")).get_by_label("No")
    ).to_be_checked()
    await me.page.get_by_role("button", name="Check").click()
    await me.page.get_by_role("link", name="Continue to the enrollment form").click()
    # Data Exchange allows every role, DX QA among them.
    assert await role_choices(me.page, "#f-users-0-role") == [
        "read_only",
        "regular",
        "power",
        "dx_qa",
    ]


async def test_what_is_asked_follows_the_answers_without_script(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    context = await browser.new_context(java_script_enabled=False)
    context.set_default_timeout(20_000)
    me = Person(site=site, context=context, page=await context.new_page())
    people.append(me)
    await me.open(
        "/enroll/form?county=Alameda&administers_vaccines=no&submits_electronically=no"
        "&enters_historical_doses=yes"
    )
    # No type yet: the school and childcare parts show, with no required marks.
    for part in ("#s-organization-school_district", "#s-organization-childcare_license_number"):
        assert await marks(me.page, part) == {"shown": True, "optional": False, "asterisks": 0}
    # It gives no vaccines: the provider of record is optional, and says so without asterisks.
    assert await marks(me.page, "#s-provider_of_record") == {
        "shown": True,
        "optional": True,
        "asterisks": 0,
    }
    # What is always required says so: the primary contact's phone, every user field.
    phone = me.page.locator("label[for=f-contacts-primary-phone] .required")
    await expect(phone).to_be_visible()
    assert (await marks(me.page, "#f-users-0"))["asterisks"] == 4
    assert await optional_parts_with_asterisks(me.page) == []
    # Limited Clinical: Read-Only and Regular only.
    assert await role_choices(me.page, "#f-users-0-role") == ["read_only", "regular"]

    # A school that receives state-supplied vaccine: the form comes back asking for both.
    await me.page.get_by_label("School", exact=True).check()
    await me.page.locator("#s-vaccine").get_by_role("radio", name="Yes").check()
    await me.page.get_by_role("button", name="Continue").click()
    await summary_links(me.page)
    assert await marks(me.page, "#s-organization-school_district") == {
        "shown": True,
        "optional": False,
        "asterisks": 1,
    }
    assert not (await marks(me.page, "#s-organization-childcare_license_number"))["shown"]
    coordinator = await marks(me.page, "#s-contacts-vaccine_coordinator")
    assert coordinator == {"shown": True, "optional": False, "asterisks": 3}
    assert await optional_parts_with_asterisks(me.page) == []


async def test_script_redraws_what_is_asked_sooner(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    me = await person(people, site, browser)
    await me.open(f"/enroll/form?{CLINICAL}")
    # Parts for one type of organization wait for the type (without script they show at once).
    assert not (await marks(me.page, "#s-organization-school_district"))["shown"]
    assert (await marks(me.page, "#s-provider_of_record"))["asterisks"] == 4
    assert (await marks(me.page, "#s-provider_of_record"))["optional"] is False
    assert await role_choices(me.page, "#f-users-0-role") == ["read_only", "regular", "power"]
    await me.page.get_by_label("Childcare facility", exact=True).check()
    assert not (await marks(me.page, "#s-organization-school_district"))["shown"]
    assert (await marks(me.page, "#s-organization-childcare_license_number"))["asterisks"] == 1
    vaccine = me.page.locator("#s-vaccine")
    await vaccine.get_by_role("radio", name="No").check()
    assert not (await marks(me.page, "#f-organization-state_supplied_programs"))["shown"]
    assert await marks(me.page, "#s-contacts-vaccine_coordinator") == {
        "shown": True,
        "optional": True,
        "asterisks": 0,
    }
    await vaccine.get_by_role("radio", name="Yes").check()
    await vaccine.get_by_label("317", exact=True).check()  # not VFC: still optional
    assert (await marks(me.page, "#s-contacts-vaccine_coordinator"))["optional"] is True
    await vaccine.get_by_label("VFC", exact=True).check()
    assert (await marks(me.page, "#s-contacts-vaccine_coordinator"))["asterisks"] == 3
    access = me.page.locator("#s-access")
    await access.get_by_role("group", name=re.compile("give vaccines")).get_by_label("No").check()
    assert (await marks(me.page, "#s-provider_of_record"))["optional"] is True
    assert await role_choices(me.page, "#f-users-0-role") == ["read_only", "regular"]
    assert await optional_parts_with_asterisks(me.page) == []

    # "Add another user" lands on the new row, its first field ready.
    await me.page.get_by_role("button", name="Add another user").click()
    await expect(me.page).to_have_url(re.compile("#f-users-1-first_name$"))
    await expect(me.page.locator("#f-users-1-first_name")).to_be_focused()


async def test_the_form_checked_changed_and_sent(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    me = await person(people, site, browser)
    await me.open(f"/enroll/form?{CLINICAL}")

    # Sent empty: every problem in one round, each linked to its field.
    await me.page.get_by_role("button", name="Continue").click()
    links = dict(await summary_links(me.page))
    texts = " | ".join(links.values())
    assert "Organization name: required" in texts
    assert "User 1: First name: required" in texts, texts
    assert "must be accepted" in texts, texts  # a rule problem, in the same round
    await me.check("enroll-form-empty")

    # With mistakes: each named beside its field, every value kept.
    data = await fill_clinic(me, "Pagewalk")
    for agreement in ("User Access Agreement", "Our patients"):
        await me.page.get_by_label(re.compile(agreement)).check()
    await me.page.get_by_role("button", name="Continue").click()
    links = dict(await summary_links(me.page))
    assert "f-provider_of_record-npi" in links
    assert any(anchor.startswith("f-contacts-vaccine_coordinator") for anchor in links), links
    await expect(me.page.locator("#f-provider_of_record-npi-error")).to_contain_text("check digit")
    await expect(me.page.get_by_label("Organization name")).to_have_value(
        data["organization"]["name"]
    )
    state = me.page.locator("#f-organization-physical_address-state")
    await expect(state).to_have_value("CA")
    await me.check("enroll-form-mistakes")

    await me.page.locator("#f-provider_of_record-npi").fill("1234567893")
    coordinator = data["contacts"]["vaccine_coordinator"]
    part = me.page.locator("#s-contacts-vaccine_coordinator")
    await part.get_by_label("First name").fill(coordinator["first_name"])
    await part.get_by_label("Last name").fill(coordinator["last_name"])
    await part.get_by_label("E-mail address").fill(coordinator["email"])
    entered = await shown_entries(me.page, FORM)
    await me.page.get_by_role("button", name="Continue").click()

    # The answers, in words, grouped; nothing sent yet.
    await expect(me.page.locator("h1")).to_contain_text("Check your answers")
    main = me.page.locator("main")
    for words in ("Healthcare provider", "Alameda County (Bay Area)", "Clinical", "Power"):
        await expect(main).to_contain_text(words)
    for code in ("healthcare_provider", "bay_area", "read_only"):
        await expect(main).not_to_contain_text(code)
    assert "?" not in me.page.url  # no answer in the address
    await me.check("enroll-check-answers")
    carried = await form_entries(me.page, "form.check-answers")

    # "Change" goes back to that part with every answer; the form returns to the check.
    await me.page.get_by_role("button", name="Change contacts").click()
    await expect(me.page).to_have_url(re.compile("#s-contacts-primary$"))
    assert await shown_entries(me.page, FORM) == entered
    await me.page.locator("#f-contacts-primary-phone").fill("510-555-0199")
    await me.page.get_by_role("button", name="Continue").click()
    await expect(me.page.locator("main")).to_contain_text("510-555-0199")
    again = await form_entries(me.page, "form.check-answers")
    changed = [(k, v) for k, v in carried if k != "contacts.primary.phone"]
    assert [(k, v) for k, v in again if k != "contacts.primary.phone"] == changed

    await me.page.get_by_role("button", name="Send enrollment").click()
    await expect(me.page.locator("h1")).to_contain_text("Your enrollment was sent")
    tracking = (await me.page.locator(".tracking-id").inner_text()).strip()
    ctx = site.context()
    try:
        assert (await enrollments.status(ctx, tracking)).stage == "awaiting_review"
    finally:
        await ctx.close()
