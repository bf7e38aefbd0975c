"""The audit trail pages in Chromium: a reviewer filters the registry's trail by kind, pages
through it with Previous / Next (named links, where they are said in words), downloads what the
filter holds as CSV, and the download is audited; a bad date comes back beside its field."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.async_api import Browser, expect
from sqlalchemy import select

from cair.store import audit, staff
from cair.store.models import AuditRow
from tests.helpers.accounts import enrolled
from tests.helpers.browser import Person
from tests.helpers.signed_in import signed_in
from tests.helpers.stack import Stack
from tests.helpers.staff import staff_session

KIND = "staff.roles"  # the kind the rows below are of; a stack has few of its own


async def test_a_reviewer_pages_through_the_trail_and_downloads_it(
    site: Stack, browser: Browser, people: list[Person], tmp_path: Path
) -> None:
    ctx = site.context()
    try:
        async with ctx.db.sessions() as session:
            for n in range(55):
                await audit.append(
                    session,
                    key=f"paged-{n}",
                    actor="=SUM(A1)" if n == 0 else "pat.paged@cair.test",
                    action=KIND,
                    subject_type="staff",
                    subject_id=f"paged-{n}",
                )
            await session.commit()
            total = len(
                list(await session.scalars(select(AuditRow.id).where(AuditRow.action == KIND)))
            )
        reviewer = await staff_session(site, ctx, "ray.paged@cair.test", "reviewer")
    finally:
        await ctx.close()
    staff = await signed_in(people, site, browser, reviewer)
    page = staff.page

    await staff.open("/staff/enrollments")
    nav = page.get_by_role("navigation", name="Staff console")
    await nav.get_by_role("link", name="Audit trail").click()
    await page.get_by_label("Kind").select_option(label="Staff member's roles changed")
    await page.get_by_role("button", name="Filter").click()
    pages = page.get_by_role("navigation", name="Pages of the audit trail")
    await expect(pages).to_contain_text(f"Page 1 of 2: 1 to 50 of {total}")
    await expect(page.locator("ul.audit li")).to_have_count(50)
    await expect(pages.get_by_role("link", name="Previous page")).to_have_count(0)
    await pages.get_by_role("link", name="Next page").click()
    await expect(pages).to_contain_text(f"Page 2 of 2: 51 to {total} of {total}")
    await expect(page.locator("ul.audit li")).to_have_count(total - 50)
    await expect(page.get_by_label("Kind")).to_have_value(KIND)  # the filter is kept
    await staff.check("staff-audit")

    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Download them (CSV)").click()
    download = await downloading.value
    assert download.suggested_filename == "audit-registry-staff_roles.csv"
    saved = tmp_path / "trail.csv"
    await download.save_as(saved)
    header, *rows = list(csv.reader(io.StringIO(saved.read_text())))
    assert header[:4] == ["id", "at", "actor", "action"]
    assert len(rows) == total and {r[3] for r in rows} == {KIND}
    assert "'=SUM(A1)" in [r[2] for r in rows]

    ctx = site.context()
    try:
        async with ctx.db.sessions() as session:
            exported = await session.scalar(
                select(AuditRow)
                .where(AuditRow.action == "audit.exported")
                .order_by(AuditRow.id.desc())
                .limit(1)
            )
    finally:
        await ctx.close()
    assert exported is not None and exported.actor == "ray.paged@cair.test"
    assert exported.new_value == {"filter": {"kind": KIND}, "rows": total}

    await staff.open("/staff/audit?from=yesterday")
    await expect(page.locator("#filter-from-error")).to_contain_text("enter a date like")
    await expect(page.get_by_label("From (first day)")).to_have_attribute("aria-invalid", "true")


async def test_the_staff_list_pages_and_a_representative_downloads_their_trail(
    site: Stack, browser: Browser, people: list[Person], tmp_path: Path
) -> None:
    ctx = site.context()
    try:
        async with ctx.db.sessions() as session:
            for n in range(55):
                await staff.put(
                    session, email=f"member{n:02}@paged.test", name=f"Member {n}", roles=["trainer"]
                )
            await session.commit()
        admin = await staff_session(site, ctx, "ann.paged@cair.test", "admin")
        clinic = await enrolled(site, ctx, "clinic", "Trail", email_domain="trail.example")
    finally:
        await ctx.close()
    someone = await signed_in(people, site, browser, admin)
    page = someone.page
    await someone.open("/staff/members")
    pages = page.get_by_role("navigation", name="Pages of the staff list")
    await expect(pages).to_contain_text("Page 1 of 2: 1 to 50 of")
    rows = page.locator("tbody tr")
    await expect(rows).to_have_count(50)
    await pages.get_by_role("link", name="Next page").click()
    await expect(pages).to_contain_text("Page 2 of 2: 51 to")
    await expect(page).to_have_url(re.compile(r"/staff/members\?offset=50$"))
    await pages.get_by_role("link", name="Previous page").click()
    await expect(rows).to_have_count(50)

    rep = await signed_in(people, site, browser, clinic.session)
    await rep.open(f"/account/{clinic.provider_id}")
    async with rep.page.expect_download() as downloading:
        await rep.page.get_by_role("link", name="Download the audit trail (CSV)").click()
    download = await downloading.value
    assert download.suggested_filename == f"audit-{clinic.provider_id}.csv"
    saved = tmp_path / "clinic.csv"
    await download.save_as(saved)
    _, *rows_of_clinic = list(csv.reader(io.StringIO(saved.read_text())))
    assert rows_of_clinic and {r[6] for r in rows_of_clinic} == {clinic.provider_id}
