"""The staff overview in Chromium: a trainer (the overview is for every staff role) opens it from
the staff console's navigation on a stack holding requests awaiting review and an organization
enrolled today; every chart is an image with a name, its numbers are in a table beside it, and
axe finds nothing serious. The page is photographed for the README too."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from cair.operations import enrollments
from tests.helpers.accounts import enrolled
from tests.helpers.browser import SCREENSHOTS, Person
from tests.helpers.examples import variant
from tests.helpers.signed_in import signed_in
from tests.helpers.stack import Stack
from tests.helpers.staff import staff_session

# Under var/ like every page's photograph; docs/screenshots/staff-overview.png is a copy of it.
README_SHOT = SCREENSHOTS / "staff-overview-readme.png"


async def test_every_staff_member_sees_the_overview_as_named_charts(
    site: Stack, browser: Browser, people: list[Person]
) -> None:
    ctx = site.context()
    try:
        for tag in ("Overview A", "Overview B"):
            waiting = await enrollments.submit(ctx, variant("school", tag))
            assert waiting.stage == "awaiting_review", waiting.note
        await enrolled(site, ctx, "clinic", "Overview", email_domain="overview.example")
        trainer = await staff_session(site, ctx, "ova.trainer@cair.test", "trainer")
    finally:
        await ctx.close()
    staff = await signed_in(people, site, browser, trainer)
    page = staff.page

    await staff.open("/staff/training")
    await (
        page.get_by_role("navigation", name="Staff console")
        .get_by_role("link", name="Overview")
        .click()
    )
    await expect(page.locator("h1")).to_have_text("Overview")
    nav = page.get_by_role("navigation", name="Staff console")
    await expect(nav.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")

    charts = page.locator("svg[role='img']")
    await expect(charts).to_have_count(4 + 9)  # four figures, one chart per region
    queue = page.get_by_role("img", name=re.compile("^Open requests by stage and age"))
    await expect(queue).to_have_count(1)
    assert await queue.locator("rect.bar").count() >= 1
    for n in range(await charts.count()):
        chart = charts.nth(n)
        assert await chart.locator(":scope > title").count() == 1
        assert await chart.locator(":scope > desc").count() == 1

    # The numbers of a chart, as a table: requests waiting for staff, approvals of today.
    queue_section = page.get_by_role("region", name="Open requests by stage and age")
    await queue_section.locator("summary").click()
    waiting_row = queue_section.get_by_role("row", name=re.compile("^Waiting for registry staff"))
    cells = await waiting_row.get_by_role("cell").all_inner_texts()
    assert int(cells[-1]) >= 2  # the total: both requests sent above wait
    approvals = page.get_by_role("region", name=re.compile("^Business days from submission"))
    await approvals.locator("summary").click()
    same_day = approvals.get_by_role("row", name=re.compile("^0 "))
    assert int((await same_day.get_by_role("cell").all_inner_texts())[0]) >= 1

    await staff.check("staff-overview")
    README_SHOT.parent.mkdir(parents=True, exist_ok=True)
    await queue_section.locator("summary").click()  # closed again, as a reader first sees it
    await approvals.locator("summary").click()
    await page.screenshot(
        path=str(README_SHOT), clip={"x": 0, "y": 0, "width": 1280, "height": 1300}, full_page=True
    )
