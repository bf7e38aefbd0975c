"""People at a browser who are signed in already (their session redeemed from the e-mailed link
by tests.helpers.accounts or tests.helpers.staff), with or without script, at any width; and
what the store says of an organization's users, to see that nothing happened before a second
step."""

from __future__ import annotations

from playwright.async_api import Browser

from cair.store import organizations, users
from tests.helpers.browser import Person, person
from tests.helpers.stack import Stack


async def signed_in(
    made: list[Person],
    site: Stack,
    browser: Browser,
    session: str,
    *,
    width: int = 1280,
    script: bool = True,
) -> Person:
    """Someone whose browser holds ``session``; ``script=False``: JavaScript switched off."""
    if script:
        someone = await person(made, site, browser, width=width)
    else:
        context = await browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=False
        )
        context.set_default_timeout(20_000)
        someone = Person(site=site, context=context, page=await context.new_page())
        made.append(someone)
    await someone.context.add_cookies(
        [{"name": "cair_session", "value": session, "url": site.api_url}]
    )
    return someone


async def user_states(site: Stack, provider_id: str) -> dict[str, str]:
    """Each user's state by e-mail address, as the store has it."""
    ctx = site.context()
    try:
        async with ctx.db.sessions() as session:
            org = await organizations.by_provider_id(session, provider_id)
            assert org is not None
            return {u.email: u.state for u in await users.of_organization(session, org.id)}
    finally:
        await ctx.close()


async def user_names(site: Stack, provider_id: str) -> dict[str, str]:
    """Each user's name by e-mail address, as the store has it."""
    ctx = site.context()
    try:
        async with ctx.db.sessions() as session:
            org = await organizations.by_provider_id(session, provider_id)
            assert org is not None
            found = await users.of_organization(session, org.id)
            return {u.email: f"{u.first_name} {u.last_name}" for u in found}
    finally:
        await ctx.close()
