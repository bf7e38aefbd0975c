"""Pages behind e-mailed links, and the guards around every page. A data-exchange contact sees the
credentials once and the used-link page the second time; an applicant corrects a request from
the changes-requested link; the remaining pages are photographed and checked by axe. Then the
refusals: a form without its CSRF token, another organization's pages, staff pages for a
representative — each refused with nothing changed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest_asyncio
from playwright.async_api import Browser, expect

from cair.operations import enrollments, staff_accounts
from cair.store import credentials, organizations, users
from tests.helpers.accounts import Account, enrolled
from tests.helpers.browser import Person, person
from tests.helpers.examples import variant
from tests.helpers.forms import form_token
from tests.helpers.links import link_from, link_in
from tests.helpers.stack import Stack
from tests.helpers.staff import staff_session
from tests.helpers.waiting import eventually

REVIEWER = "guard.reviewer@cair.test"


async def approved(site: Stack, name: str, tag: str, domain: str) -> str:
    """Enroll ``name`` and approve it; the Provider ID once provisioned."""
    ctx = site.context()
    try:
        sent = await enrollments.submit(ctx, variant(name, tag, email_domain=domain))
        await enrollments.approve(ctx, sent.id, by=REVIEWER)

        async def provider_id() -> str | None:
            view = await enrollments.status(ctx, sent.id)
            return view.provider_id if view.stage in ("awaiting_training", "completed") else None

        return await eventually(provider_id, timeout=60)
    finally:
        await ctx.close()


async def test_credentials_are_shown_once(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    provider_id = await approved(site, "data-exchange", "Reveal", "reveal.example")
    await eventually(lambda: site.outbox.about("/credentials/reveal/"), timeout=30)
    mail = [m for m in site.outbox.about("/credentials/reveal/") if "reveal.example" in m["To"]]
    link = link_from(mail[-1], "/credentials/reveal/")
    contact = await person(people, site, browser)
    await contact.open(link)
    await contact.check("credentials-reveal")
    await contact.page.get_by_role("button", name="Show the credentials").click()
    await expect(contact.page.locator("h1")).to_have_text("Your data-exchange credentials")
    secret = (await contact.page.locator("#secret").inner_text()).strip()
    await contact.check("credentials-shown")
    ctx = site.context()
    try:
        async with ctx.db.sessions() as session:
            org = await organizations.by_provider_id(session, provider_id)
            assert org is not None
            stored = await credentials.first_site_staging(session, org.id, org.enrollment_id)
        assert stored is not None and stored.sealed_secret is None  # taken: shown this once
        assert len(secret) >= 20 and stored.username in await contact.page.content()
    finally:
        await ctx.close()

    await contact.open(link)  # the second time
    await expect(contact.page.locator("h1")).to_have_text("This link has already been used")
    await contact.check("link-used")
    assert secret not in await contact.page.content()


async def test_an_applicant_corrects_the_request_from_the_link(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        sent = await enrollments.submit(
            ctx, variant("school", "Amend", email_domain="amend.example")
        )
        await enrollments.request_changes(
            ctx, sent.id, by=REVIEWER, message="Please give the school district's full name."
        )
        primary = variant("school", "Amend", email_domain="amend.example")["contacts"]["primary"]
        await eventually(lambda: site.outbox.to(primary["email"], "changes needed"))
        applicant = await person(people, site, browser)
        await applicant.open(link_in(site, primary["email"], "changes needed", "/enroll/amend/"))
        await expect(applicant.page.locator(".staff-message")).to_contain_text("full name")
        district = applicant.page.get_by_label("School district")
        await applicant.check("enroll-amend")
        await district.fill("Sacramento City Unified School District")
        await applicant.page.get_by_role("button", name="Continue").click()
        await expect(applicant.page.locator("main")).to_contain_text("Sacramento City Unified")
        await applicant.check("enroll-amend-check")
        await applicant.page.get_by_role("button", name="Send the corrected request").click()
        await expect(applicant.page.locator(".notice")).to_contain_text("back with registry staff")
        await applicant.check("status-after-amendment")
        view = await enrollments.status(ctx, sent.id)
        assert view.stage == "awaiting_review"
    finally:
        await ctx.close()


@dataclass(frozen=True)
class Guarded:
    a: Account
    b: Account
    reviewer: str  # a staff session token


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def guarded(site: Stack) -> AsyncIterator[Guarded]:
    ctx = site.context()
    try:
        a = await enrolled(site, ctx, "school", "GuardA", email_domain="guard-a.example")
        b = await enrolled(site, ctx, "clinic", "GuardB", email_domain="guard-b.example")
        reviewer = await staff_session(site, ctx, REVIEWER, "reviewer")
        yield Guarded(a, b, reviewer)
    finally:
        await ctx.close()


def browser_of(site: Stack, session_token: str | None = None) -> httpx.Client:
    """A plain HTTP client with a browser's cookies: a session, and a CSRF cookie with the
    token of its forms read from a page."""
    client = httpx.Client(base_url=site.api_url, follow_redirects=False, timeout=30)
    if session_token:
        client.cookies.set("cair_session", session_token)
    return client


async def states(site: Stack, provider_id: str) -> dict[str, str]:
    ctx = site.context()
    try:
        async with ctx.db.sessions() as session:
            org = await organizations.by_provider_id(session, provider_id)
            assert org is not None
            return {u.email: u.state for u in await users.of_organization(session, org.id)}
    finally:
        await ctx.close()


async def test_forms_without_their_csrf_token_are_refused(site: Stack, guarded: Guarded) -> None:
    a = guarded.a
    before = await states(site, a.provider_id)
    with browser_of(site, a.session) as rep:
        token = form_token(rep, f"/account/{a.provider_id}/users/new")
        new_user = {
            "first_name": "Eve",
            "last_name": "Forged",
            "email": "eve@guard-a.example",
            "role": "read_only",
        }
        for sent, headers in (
            (new_user, {}),  # no token at all
            ({**new_user, "csrf_token": "0" * 64}, {}),  # a made-up one
            ({**new_user, "csrf_token": token}, {"Origin": "https://attacker.example"}),
        ):
            refused = rep.post(f"/account/{a.provider_id}/users", data=sent, headers=headers)
            assert refused.status_code == 403, refused.text[:300]
            assert "text/html" in refused.headers["content-type"]
            assert "could not be accepted" in refused.text
        other = browser_of(site, a.session)  # another browser: its own cookie, not this token
        other.cookies.set("cair_csrf", "x" * 43)
        forged = other.post(
            f"/account/{a.provider_id}/users", data={**new_user, "csrf_token": token}
        )
        assert forged.status_code == 403
        accepted = rep.post(
            f"/account/{a.provider_id}/users", data={**new_user, "csrf_token": token}
        )
        assert accepted.status_code == 303, accepted.text[
            -1500:
        ]  # the real form, as a check that the refusals meant it
    after = await states(site, a.provider_id)
    assert set(after) - set(before) == {"eve@guard-a.example"}


async def test_another_organizations_pages_are_refused(site: Stack, guarded: Guarded) -> None:
    a, b = guarded.a, guarded.b
    before = await states(site, b.provider_id)
    victim = next(iter(b.users.values()))
    with browser_of(site, a.session) as rep:
        token = form_token(rep, f"/account/{a.provider_id}")
        for path in (
            f"/account/{b.provider_id}",
            f"/account/{b.provider_id}/info",
            f"/account/{b.provider_id}/users/{victim}",
        ):
            seen = rep.get(path)
            assert seen.status_code == 403 and b.provider_id in seen.text
            assert "guard-b.example" not in seen.text  # nothing of B's shown
        for action in ("inactivate", "role", "representative"):
            refused = rep.post(
                f"/account/{b.provider_id}/users/{victim}/{action}",
                data={"csrf_token": token, "role": "power"},
            )
            assert refused.status_code == 403
        # Through A's own pages, B's user is no user at all.
        mine = rep.post(
            f"/account/{a.provider_id}/users/{victim}/inactivate", data={"csrf_token": token}
        )
        assert mine.status_code == 422 and "no user" in mine.text
        assert "guard-b.example" not in mine.text
    assert await states(site, b.provider_id) == before


async def test_staff_pages_are_refused_to_representatives(site: Stack, guarded: Guarded) -> None:
    a = guarded.a
    ctx = site.context()
    try:
        waiting = await enrollments.submit(ctx, variant("school", "GuardWait"))
        with browser_of(site, a.session) as rep:
            token = form_token(rep, f"/account/{a.provider_id}")
            for path in (
                "/staff",
                "/staff/enrollments",
                f"/staff/enrollments/{waiting.id}",
                "/staff/training",
                "/staff/changes",
                "/staff/incidents",
                f"/staff/organizations/{a.provider_id}",
            ):
                assert rep.get(path).status_code == 403, path
            refused = rep.post(
                f"/staff/enrollments/{waiting.id}/approve", data={"csrf_token": token}
            )
            assert refused.status_code == 403
        with browser_of(site) as nobody:
            assert nobody.get("/staff/enrollments").headers["location"] == "/staff/sign-in"
            assert nobody.get(f"/account/{a.provider_id}").headers["location"] == "/account/sign-in"
        await staff_accounts.add(ctx, "tess.trainer@cair.test", roles=["trainer"], name="Tess")
        with browser_of(
            site, await staff_session(site, ctx, "tess.trainer@cair.test", "trainer")
        ) as trainer:
            assert trainer.get("/staff/enrollments").status_code == 403
            assert trainer.get("/staff/training").status_code == 200
        assert (await enrollments.status(ctx, waiting.id)).stage == "awaiting_review"
    finally:
        await ctx.close()


async def test_pages_carry_the_safety_headers(site: Stack, guarded: Guarded) -> None:
    with browser_of(site, guarded.reviewer) as staff:
        page = staff.get("/staff/enrollments")
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store"
        cookie = page.headers.get("set-cookie", "")
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
        asset = staff.get("/static/site.css")
        assert "max-age" in asset.headers["cache-control"]


def test_cookies_are_secure_outside_dev() -> None:
    from cair.settings import Settings

    assert Settings(public_base_url="https://cair.cdph.ca.gov").secure_cookies()
    assert not Settings(public_base_url="http://localhost:8000").secure_cookies()
    assert Settings(public_base_url="http://internal", cookie_secure=True).secure_cookies()


async def test_the_remaining_pages_work_and_pass_axe(
    site: Stack, browser: Browser, people: list[Person], guarded: Guarded
) -> None:
    """Site information, a user's page, a role raised and approved in the console, the
    organization's audit view, held steps, a page that does not exist, signing out."""
    a = guarded.b  # a clinic: its users' roles can be raised
    rep = await person(people, site, browser)
    await rep.context.add_cookies(
        [{"name": "cair_session", "value": a.session, "url": site.api_url}]
    )
    await rep.open(f"/account/{a.provider_id}/info")
    await rep.check("account-info")
    phone = rep.page.locator("#f-contacts-primary-phone")
    await phone.fill("916-555-0199")
    await rep.page.get_by_role("button", name="Send the changes").click()
    await expect(rep.page.locator(".notice")).to_contain_text("Done")
    user_id = next(uid for email, uid in a.users.items() if email.startswith("jo."))
    await rep.open(f"/account/{a.provider_id}/users/{user_id}")
    await rep.check("account-user")
    await rep.page.get_by_role("radio", name="Regular").check()
    await rep.page.get_by_role("button", name="Change the role").click()
    await expect(rep.page.locator(".notice")).to_contain_text("approval")

    ctx = site.context()
    try:
        await staff_accounts.add(ctx, "ada.admin@cair.test", roles=["admin"], name="Ada Admin")
        admin_session = await staff_session(site, ctx, "ada.admin@cair.test", "admin")
    finally:
        await ctx.close()
    admin = await person(people, site, browser)
    await admin.context.add_cookies(
        [{"name": "cair_session", "value": admin_session, "url": site.api_url}]
    )
    await admin.open("/staff/changes")
    row = admin.page.get_by_role("row", name=re.compile(a.provider_id))
    await admin.check("staff-changes")
    await row.get_by_role("button", name=re.compile("Approve")).click()
    await expect(admin.page.locator(".notice")).to_contain_text(user_id)
    await admin.open(f"/staff/organizations/{a.provider_id}")
    await admin.check("staff-organization")
    audit = admin.page.locator("ul.audit")
    await expect(audit).to_contain_text("changed the site information: the primary contact's phone")
    await expect(audit).to_contain_text("916-555-0199")
    await admin.open("/staff/incidents")
    await admin.check("staff-incidents")
    await admin.open("/no/such/page")
    await expect(admin.page.locator("h1")).to_have_text("Page not found")
    await admin.check("not-found")
    await admin.page.get_by_role("button", name="Sign out").click()
    await expect(admin.page.locator(".notice")).to_contain_text("signed out")
    await admin.open("/staff/changes")
    await expect(admin.page.locator("h1")).to_have_text("Staff console sign-in")
    assert (await states(site, a.provider_id))[next(e for e in a.users if e.startswith("jo."))] in (
        "pending_training",
        "active",
    )
