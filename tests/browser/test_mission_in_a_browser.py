"""The whole mission in Chromium, as people do it: an office manager enrolls the clinic example
through the form (correcting a mistake, then checking the answers), a staff member signs in by
link and approves it and records one user's training, the trained user sets a password, and the
clinic's representative signs in through the e-mailed link, adds a user and inactivates
another. Every page is photographed (var/screenshots/) and checked by axe; the outcomes are read
from the store and the outbox."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Browser, expect

from cair.domain.user_states import UserState
from cair.operations import enrollments, staff_accounts
from cair.store import audit, organizations, users
from tests.helpers.browser import Person, person
from tests.helpers.examples import example
from tests.helpers.links import link_in
from tests.helpers.stack import Stack
from tests.helpers.staff import second_factor_in_browser
from tests.helpers.waiting import eventually

STAFF = "rosa.reviewer@cair.test"


async def fill_clinic(me: Person, *, npi: str) -> None:
    """The clinic example, typed in (county and access answers came from the check)."""
    data = example("clinic")
    page, org = me.page, data["organization"]
    await page.get_by_label("Organization name").fill(org["name"])
    await page.get_by_label("Healthcare provider").check()
    address = page.locator("#s-organization-physical_address")
    await address.get_by_label("Street address").fill(org["physical_address"]["line1"])
    await address.get_by_label("Suite, unit or floor").fill(org["physical_address"]["line2"])
    await address.get_by_label("City").fill(org["physical_address"]["city"])
    await address.get_by_label("State").fill("CA")
    await address.get_by_label("ZIP code").fill(org["physical_address"]["zip"])
    provider = data["provider_of_record"]
    section = page.locator("#s-provider_of_record")
    await section.get_by_label("First name").fill(provider["first_name"])
    await section.get_by_label("Last name").fill(provider["last_name"])
    await section.get_by_label("License type").fill(provider["license_type"])
    await section.get_by_label("California license number").fill(provider["license_number"])
    await section.get_by_label("NPI").fill(npi)
    vaccine = page.locator("#s-vaccine")
    await vaccine.get_by_role("radio", name="Yes").check()
    await vaccine.get_by_label("VFC", exact=True).check()
    await vaccine.get_by_label("VFC PIN").fill(org["vfc_pin"])
    for kind in ("primary", "vaccine_coordinator"):  # a VFC provider's coordinator: required
        person_data = data["contacts"][kind]
        part = page.locator(f"#s-contacts-{kind}")
        await part.get_by_label("First name").fill(person_data["first_name"])
        await part.get_by_label("Last name").fill(person_data["last_name"])
        await part.get_by_label("E-mail address").fill(person_data["email"])
        await part.get_by_label("Phone").fill(person_data["phone"])


async def fill_users(me: Person) -> None:
    """Three users: rows added (and a stray one removed) with the form's own buttons."""
    page = me.page
    for _ in range(3):
        await page.get_by_role("button", name="Add another user").click()
    await expect(page.locator(".user-row")).to_have_count(4)
    await page.get_by_role("button", name="Remove user 4").click()
    await expect(page.locator(".user-row")).to_have_count(3)
    for index, user in enumerate(example("clinic")["users"]):
        row = page.locator(f"#f-users-{index}")
        await row.get_by_label("First name").fill(user["first_name"])
        await row.get_by_label("Last name").fill(user["last_name"])
        await row.get_by_label("E-mail address").fill(user["email"])
        await row.get_by_label("Role").select_option(user["role"])


async def test_the_mission_in_a_browser(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        # An office manager checks where and how the clinic enrolls, then fills in the form.
        manager = await person(people, site, browser)
        await manager.open("/")
        await manager.check("home")
        await manager.page.get_by_role("link", name="Start enrolling").click()
        await manager.check("enroll-start")
        await manager.page.get_by_label("County of the site's street address").select_option(
            "San Diego"
        )
        for question, answer in (
            ("give vaccines", "Yes"),
            ("electronically", "No"),
            ("historical", "Yes"),
        ):
            group = manager.page.get_by_role("group", name=re.compile(question))
            await group.get_by_label(answer).check()
        await manager.page.get_by_role("button", name="Check").click()
        await expect(manager.page.locator("h1")).to_contain_text("Local CAIR Representative")
        await manager.check("enroll-local-representative")
        await manager.page.get_by_role("link", name="Choose another county").click()
        await manager.page.get_by_label("County of the site's street address").select_option(
            "Alameda"
        )
        for question, answer in (
            ("give vaccines", "Yes"),
            ("electronically", "No"),
            ("historical", "Yes"),
        ):
            group = manager.page.get_by_role("group", name=re.compile(question))
            await group.get_by_label(answer).check()
        await manager.page.get_by_role("button", name="Check").click()
        await expect(manager.page.locator("h2").first).to_contain_text("Clinical")
        await manager.check("enroll-access-level")
        await manager.page.get_by_role("link", name="Continue to the enrollment form").click()
        await expect(manager.page.get_by_label("County")).to_have_value("Alameda")
        await fill_clinic(manager, npi="1234567890")  # a typo: the check digit is wrong
        await fill_users(manager)
        await manager.page.get_by_role("button", name="Continue").click()

        # The mistakes are named at the top and beside their fields; nothing typed is lost.
        summary = manager.page.locator("#error-summary")
        await expect(summary).to_contain_text("NPI")
        await expect(summary).to_contain_text("must be accepted")
        npi = manager.page.locator("#f-provider_of_record-npi")
        await expect(npi).to_have_attribute("aria-invalid", "true")
        described = await npi.get_attribute("aria-describedby") or ""
        assert "f-provider_of_record-npi-error" in described.split()
        await expect(manager.page.locator("#f-provider_of_record-npi-error")).to_contain_text(
            "check digit"
        )
        await expect(manager.page.get_by_label("Organization name")).to_have_value(
            "Lakeshore Family Medicine"
        )
        await expect(manager.page.locator(".user-row")).to_have_count(3)
        await manager.check("enroll-form-with-errors")
        await npi.fill("1234567893")
        for agreement in ("User Access Agreement", "Our patients"):
            await manager.page.get_by_label(re.compile(agreement)).check()
        await manager.page.get_by_role("button", name="Continue").click()

        # Every answer to check, in words, before anything is sent.
        await expect(manager.page.locator("h1")).to_contain_text("Check your answers")
        await expect(manager.page.locator("main")).to_contain_text("Lee Tran")
        await manager.check("enroll-check-answers")
        await manager.page.get_by_role("button", name="Send enrollment").click()
        await expect(manager.page.locator("h1")).to_contain_text("Your enrollment was sent")
        tracking = (await manager.page.locator(".tracking-id").inner_text()).strip()
        await manager.check("enrollment-sent")
        assert (await enrollments.status(ctx, tracking)).stage == "awaiting_review"

        # The acknowledgement's link opens the status page, in plain words.
        sam = example("clinic")["contacts"]["primary"]["email"]
        await eventually(lambda: site.outbox.to(sam, "received"))
        applicant = await person(people, site, browser, width=390)  # on a phone
        await applicant.open(link_in(site, sam, "received", "/status/"))
        await expect(applicant.page.locator("h1")).to_contain_text("Waiting for registry staff")
        await applicant.check("status-on-a-phone")

        # A reviewer signs in by the e-mailed link and approves it from the console.
        await staff_accounts.add(ctx, STAFF, roles=["reviewer", "trainer"], name="Rosa Reviewer")
        staff = await person(people, site, browser)
        await staff.open("/staff/sign-in")
        await staff.check("staff-sign-in")
        await staff.page.get_by_label("E-mail address").fill(STAFF)
        await staff.page.get_by_role("button", name="E-mail me a sign-in link").click()
        await expect(staff.page.locator("h1")).to_have_text("Check your e-mail")
        await eventually(lambda: site.outbox.to(STAFF, "sign-in"))
        await staff.open(link_in(site, STAFF, "sign-in", "/staff/sign-in/"))
        await staff.check("staff-sign-in-link")
        await staff.page.get_by_role("button", name="Sign in").click()
        await second_factor_in_browser(site, staff.page, STAFF)
        await expect(staff.page.locator("h1")).to_have_text("Review queue")
        await staff.check("staff-queue")
        await staff.page.get_by_role("link", name="Lakeshore Family Medicine", exact=True).click()
        await expect(staff.page.locator("h1")).to_have_text("Lakeshore Family Medicine")
        await staff.check("staff-enrollment")
        await staff.page.get_by_role("button", name="Approve").click()
        await expect(staff.page.locator("h1")).to_have_text("Approve Lakeshore Family Medicine?")
        await staff.check("staff-approve-confirm")
        await staff.page.get_by_role("button", name="Yes, approve the enrollment").click()
        await expect(staff.page.locator(".notice")).to_contain_text("Approved")

        async def trained_users_wait() -> bool:
            return (await enrollments.status(ctx, tracking)).stage == "awaiting_training"

        await eventually(trained_users_wait, timeout=60)
        status = await enrollments.status(ctx, tracking)
        assert status.decided_by == STAFF  # the signed-in member, never a typed name
        provider_id = status.provider_id
        assert provider_id

        # The trainer records Lee's webinar; Lee's access opens and Lee sets a password.
        await staff.page.get_by_role("link", name="Training").click()
        await staff.page.locator("#filter-provider").fill(provider_id)
        await staff.page.get_by_role("button", name="Filter").click()
        lee_row = staff.page.get_by_role("row", name=re.compile("Lee Tran"))
        await expect(lee_row).to_be_visible()
        await staff.check("staff-training")
        await lee_row.get_by_role("button", name=re.compile("Record")).click()
        await expect(staff.page.locator(".notice")).to_contain_text("Training recorded")
        lee = example("clinic")["users"][1]["email"]

        async def lee_state() -> str:
            async with ctx.db.sessions() as session:
                org = await organizations.by_provider_id(session, provider_id)
                assert org is not None
                found = [u for u in await users.of_organization(session, org.id) if u.email == lee]
            return found[0].state

        await eventually(lambda: _is(lee_state, UserState.ACTIVE), timeout=60)
        await eventually(lambda: site.outbox.to(lee, "access is ready"))
        trained = await person(people, site, browser)
        await trained.open(link_in(site, lee, "access is ready", "/password-setup/"))
        await trained.check("password-setup")
        await trained.page.get_by_label("New password").fill("correct horse battery staple")
        await trained.page.get_by_label("The same password again").fill(
            "correct horse battery staple"
        )
        await trained.page.get_by_role("button", name="Set my password").click()
        await expect(trained.page.locator("h1")).to_have_text("Your password is set")

        # The representative signs in through the e-mailed link and manages the account.
        rep = await person(people, site, browser)
        await rep.open("/account/sign-in")
        await rep.check("account-sign-in")
        await rep.page.get_by_label("CAIR Provider ID").fill(provider_id)
        await rep.page.get_by_label("E-mail address").fill(sam)
        await rep.page.get_by_role("button", name="E-mail me a sign-in link").click()
        await eventually(lambda: site.outbox.to(sam, "sign-in link"))
        await rep.open(link_in(site, sam, "sign-in link", "/account/sign-in/"))
        await rep.page.get_by_role("button", name="Sign in").click()
        await expect(rep.page.locator("h1")).to_have_text("Lakeshore Family Medicine")
        await rep.check("account")
        await rep.page.get_by_role("link", name="Add a user").click()
        await rep.page.get_by_label("First name").fill("Pat")
        await rep.page.get_by_label("Last name").fill("Lin")
        await rep.page.get_by_label("E-mail address").fill("pat.lin@lakeshore-fm.example")
        await rep.page.get_by_role("radio", name=re.compile("Read-Only")).check()
        await rep.check("account-add-user")
        await rep.page.get_by_role("button", name="Add the user").click()
        await expect(rep.page.locator(".notice")).to_contain_text("Done")
        await expect(rep.page.get_by_role("row", name=re.compile("Pat Lin"))).to_be_visible()
        jo_row = rep.page.get_by_role("row", name=re.compile("Jo Kim"))
        await jo_row.get_by_role("button", name=re.compile("Inactivate")).click()
        await expect(rep.page.locator("h1")).to_have_text("Inactivate Jo Kim?")
        await rep.check("account-inactivate-confirm")
        await rep.page.get_by_role("button", name="Yes, inactivate Jo Kim").click()
        await expect(rep.page.locator(".notice")).to_contain_text("Done")
        await rep.check("account-after-changes")

        async with ctx.db.sessions() as session:
            org = await organizations.by_provider_id(session, provider_id)
            assert org is not None
            states = {u.email: u.state for u in await users.of_organization(session, org.id)}
            trail = await audit.of_organization(session, provider_id)
        assert states["pat.lin@lakeshore-fm.example"] == UserState.ACTIVE
        assert states["jo.kim@lakeshore-fm.example"] == UserState.INACTIVE
        assert any(e.actor == sam and e.action.startswith("user.") for e in trail)
        assert {"home", "enroll-form-with-errors", "staff-queue", "account"} <= {
            *manager.seen,
            *staff.seen,
            *rep.seen,
        }
    finally:
        await ctx.close()


async def _is(read: Callable[[], Awaitable[object]], wanted: str) -> bool:
    return str(await read()) == wanted
