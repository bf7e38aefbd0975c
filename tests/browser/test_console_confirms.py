"""The staff console the way registry staff meet it: approving and rejecting an enrollment and
issuing new credentials ask once more (nothing happens before the second press, and it happens
after it); a refused decision comes back with what was typed; a request's history reads in
order, in sentences; the training list keeps its filter through an action; the account changes
name the organization and the user; a used staff sign-in link points to the staff sign-in."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from cair.operations import enrollments, sessions, staff_accounts
from cair.store import credentials, organizations
from tests.helpers.accounts import enrolled
from tests.helpers.browser import Person, person
from tests.helpers.examples import variant
from tests.helpers.links import link_in
from tests.helpers.signed_in import signed_in
from tests.helpers.stack import Stack
from tests.helpers.staff import second_factor_in_browser, staff_session
from tests.helpers.waiting import eventually


async def stage_of(site: Stack, enrollment_id: str) -> str:
    ctx = site.context()
    try:
        return (await enrollments.status(ctx, enrollment_id)).stage
    finally:
        await ctx.close()


async def test_approve_and_reject_ask_once_more(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        approving = await enrollments.submit(ctx, variant("school", "Confirm A"))
        rejecting = await enrollments.submit(ctx, variant("school", "Confirm R"))
        reviewer = await staff_session(site, ctx, "confirm.reviewer@cair.test", "reviewer")
    finally:
        await ctx.close()
    staff = await signed_in(people, site, browser, reviewer)
    page = staff.page

    await staff.open(f"/staff/enrollments/{approving.id}")
    await page.get_by_role("button", name=re.compile("^Approve")).click()
    await expect(page.locator("h1")).to_have_text(re.compile("^Approve .*Confirm A\\?$"))
    await expect(page.locator("main")).to_contain_text("A CAIR Provider ID is created")
    await staff.check("staff-approve-confirm")
    assert await stage_of(site, approving.id) == "awaiting_review"
    await page.get_by_role("link", name="No, go back to the request").click()
    assert await stage_of(site, approving.id) == "awaiting_review"
    await page.get_by_role("button", name=re.compile("^Approve")).click()
    await page.get_by_role("button", name="Yes, approve the enrollment").click()
    await expect(page.locator(".notice")).to_contain_text(f"Approved: enrollment {approving.id}")
    assert await stage_of(site, approving.id) != "awaiting_review"

    # A rejection without a reason comes back with the problem beside the reason.
    await staff.open(f"/staff/enrollments/{rejecting.id}")
    await page.get_by_role("button", name=re.compile("^Reject")).click()
    await expect(page.locator("#f-reason-error")).to_contain_text(re.compile("required|reason"))
    await expect(page.locator("#error-summary a")).to_have_attribute("href", "#f-reason")
    await page.locator("#f-message").fill("Please give the district's full name.")
    await page.locator("#f-reason").fill("Not a school\u202e")  # an invisible mark: refused
    await page.get_by_role("button", name=re.compile("^Reject")).click()
    await expect(page.locator("#f-reason-error")).to_contain_text("invisible")
    await expect(page.locator("#f-reason")).to_have_value("Not a school\u202e")
    await staff.check("staff-reject-refused")

    reason = "We could not find this school in the state directory."
    await page.locator("#f-reason").fill(reason)
    await page.get_by_role("button", name=re.compile("^Reject")).click()
    await expect(page.locator("h1")).to_have_text(re.compile("^Reject .*Confirm R\\?$"))
    await expect(page.locator("main")).to_contain_text(reason)
    await staff.check("staff-reject-confirm")
    await page.get_by_role("button", name="Change the reason").click()
    await expect(page.locator("#f-reason")).to_have_value(reason)
    assert await stage_of(site, rejecting.id) == "awaiting_review"
    await page.get_by_role("button", name=re.compile("^Reject")).click()
    await page.get_by_role("button", name="Yes, reject the enrollment").click()
    await expect(page.locator(".notice")).to_contain_text(f"Rejected: enrollment {rejecting.id}")
    assert await stage_of(site, rejecting.id) == "rejected"


async def test_a_request_that_came_back_says_what_happened_in_order(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    data = variant("school", "Amended", email_domain="amended.example")
    ctx = site.context()
    try:
        sent = await enrollments.submit(ctx, data)
        reviewer = await staff_session(site, ctx, "history.reviewer@cair.test", "reviewer")
        staff = await signed_in(people, site, browser, reviewer)
        await staff.open(f"/staff/enrollments/{sent.id}")
        await staff.page.locator("#f-message").fill("Please give the district's full name.")
        await staff.page.get_by_role("button", name="Send the request").click()
        await expect(staff.page.locator(".notice")).to_contain_text("Changes requested")
        primary = data["contacts"]["primary"]["email"]
        await eventually(lambda: site.outbox.to(primary, "changes needed"))
        link = link_in(site, primary, "changes needed", "/enroll/amend/")
        await enrollments.amend(ctx, sent.id, data, token=link.rsplit("/", 1)[-1])
    finally:
        await ctx.close()
    await staff.open(f"/staff/enrollments/{sent.id}")
    history = await staff.page.locator("ol.audit li").all_inner_texts()
    asked = next(i for i, line in enumerate(history) if "asked the applicant for changes" in line)
    corrected = next(i for i, line in enumerate(history) if "corrected the request" in line)
    assert asked < corrected, history
    assert "history.reviewer@cair.test asked the applicant for changes" in history[asked]
    assert "The applicant sent the enrollment" in history[0]
    main = await staff.page.locator("main").inner_text()
    assert "decided by" not in main and "enrollment.stage" not in main and "system" not in main
    await staff.check("staff-enrollment-history")


async def test_new_credentials_ask_once_more(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        account = await enrolled(
            site, ctx, "data-exchange", "NewCreds", email_domain="newcreds.example"
        )
        admin = await staff_session(site, ctx, "creds.admin@cair.test", "admin")
    finally:
        await ctx.close()

    async def issued() -> int:
        ctx = site.context()
        try:
            async with ctx.db.sessions() as session:
                org = await organizations.by_provider_id(session, account.provider_id)
                assert org is not None
                return len(await credentials.of_organization(session, org.id))
        finally:
            await ctx.close()

    before = await issued()
    staff = await signed_in(people, site, browser, admin)
    await staff.open(f"/staff/organizations/{account.provider_id}")
    await staff.page.get_by_role("button", name=re.compile("New data-exchange credentials")).click()
    await expect(staff.page.locator("main")).to_contain_text("The current secret stops working")
    await staff.check("staff-new-credentials-confirm")
    assert await issued() == before
    await staff.page.get_by_role("button", name="Yes, issue new credentials").click()
    await expect(staff.page.locator(".notice")).to_contain_text("New credentials issued")
    assert await issued() == before + 1


async def test_the_training_filter_survives_and_refusals_come_back(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        clinic = await enrolled(site, ctx, "clinic", "Trainees", email_domain="trainees.example")
        trainer = await staff_session(site, ctx, "filter.trainer@cair.test", "trainer")
    finally:
        await ctx.close()
    staff = await signed_in(people, site, browser, trainer)
    page = staff.page
    await staff.open(f"/staff/training?provider_id={clinic.provider_id}")
    lee = next(uid for email, uid in clinic.users.items() if email.startswith("lee."))
    day = page.locator(f"#date-{lee}")
    assert await day.get_attribute("max") and await day.get_attribute("min")

    await page.locator(f"#days-{lee}").fill("0")
    await page.get_by_role("button", name="Extend the deadline of Lee Tran").click()
    await expect(page.locator(f"#days-{lee}-error")).to_be_visible()
    await expect(page.locator(f"#days-{lee}")).to_have_value("0")
    await expect(page.locator("#filter-provider")).to_have_value(clinic.provider_id)
    await expect(page.locator("#error-summary a")).to_have_attribute("href", f"#days-{lee}")
    await staff.check("staff-training-refused")

    await page.get_by_role("button", name="Record training of Lee Tran").click()
    await expect(page.locator(".notice")).to_contain_text(f"Lee Tran ({lee})")
    assert f"provider_id={clinic.provider_id}" in page.url
    await expect(page.locator("#filter-provider")).to_have_value(clinic.provider_id)
    rows = page.locator("tbody tr")
    for text in await rows.all_inner_texts():
        assert clinic.provider_id in text


async def test_changes_awaiting_approval_name_the_organization_and_user(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        clinic = await enrolled(site, ctx, "clinic", "Raises", email_domain="raises.example")
        reviewer = await staff_session(site, ctx, "raises.reviewer@cair.test", "reviewer")
    finally:
        await ctx.close()
    jo = next(uid for email, uid in clinic.users.items() if email.startswith("jo."))
    rep = await signed_in(people, site, browser, clinic.session)
    await rep.open(f"/account/{clinic.provider_id}/users/{jo}")
    await rep.page.get_by_role("radio", name=re.compile("^Regular")).check()
    await rep.page.get_by_role("button", name="Change the role").click()
    await expect(rep.page.locator(".notice")).to_contain_text("approval")

    staff = await signed_in(people, site, browser, reviewer)
    await staff.open("/staff/changes")
    row = staff.page.get_by_role("row", name=re.compile(jo))
    await expect(row).to_contain_text("Lakeshore Family Medicine Raises")
    await expect(row).to_contain_text("Jo Kim")
    await expect(row).to_contain_text("Read-Only → Regular")
    reason = row.get_by_label(re.compile("Reason to reject"))
    await reason.fill("Not needed\u202e")
    await row.get_by_role("button", name=re.compile("Reject")).click()
    row = staff.page.get_by_role("row", name=re.compile(jo))
    await expect(row.locator(".error-message")).to_contain_text("invisible")
    await expect(row.get_by_label(re.compile("Reason to reject"))).to_have_value("Not needed\u202e")
    await staff.check("staff-changes-refused")
    await row.get_by_role("button", name=re.compile("Approve")).click()
    await expect(staff.page.locator(".notice")).to_contain_text(f"Jo Kim ({jo})")


async def test_a_used_staff_link_points_to_the_staff_sign_in(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    email = "used.link@cair.test"
    ctx = site.context()
    try:
        await staff_accounts.add(ctx, email, roles=["reviewer"], name="Used Link")
        await sessions.staff_sign_in(ctx, email)
    finally:
        await ctx.close()
    await eventually(lambda: site.outbox.to(email, "sign-in"))
    link = link_in(site, email, "sign-in", "/staff/sign-in/")
    first = await person(people, site, browser)
    await first.open(link)
    await first.page.get_by_role("button", name="Sign in").click()
    await second_factor_in_browser(site, first.page, email)
    await expect(first.page.locator("h1")).to_have_text("Review queue")

    again = await person(people, site, browser)
    await again.open(link)
    await expect(again.page.locator("h1")).to_have_text("This link has already been used")
    main = again.page.locator("main")
    await expect(main.get_by_role("link", name=re.compile("staff console"))).to_have_attribute(
        "href", "/staff/sign-in"
    )
    assert await main.locator("a[href='/account/sign-in']").count() == 0
    await again.check("staff-link-used")
