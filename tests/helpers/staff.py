"""Registry staff as the tests sign them in: the real way, by the e-mailed link redeemed and then
the second factor — at first sign-in the secret the person is shown is kept (as an authenticator
app keeps it) and a current code confirms it; later sign-ins give the app's current code. In
process, through the CLI, or at a browser, so a staff session in a test is one a person could
have."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pyotp
from playwright.async_api import Page, expect

from cair.operations import second_factor, sessions, staff_accounts
from cair.operations.context import Context
from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack
from tests.helpers.waiting import eventually

# The staff admin the ``staff_cli`` fixture signs in; audit entries name this address.
STAFF_ADMIN = "dana.staff@cair.test"
# Each person's authenticator app: the secret they were shown, by store and address, and the
# last 30-second step whose code they gave (a code is taken once).
_APPS: dict[tuple[str, str], str] = {}
_USED: dict[tuple[str, str], int] = {}


def _key(stack: Stack, email: str) -> tuple[str, str]:
    return stack.settings.resolved_database_url(), email.strip().lower()


def remember_secret(stack: Stack, email: str, secret: str) -> None:
    """The secret a person was shown at enrolment, added to their "app"."""
    _APPS[_key(stack, email)] = "".join(secret.split())


def forget_app(stack: Stack, email: str) -> None:
    """Their second factor was reset: the old secret is no use."""
    _APPS.pop(_key(stack, email), None)


async def code_for(stack: Stack, email: str) -> str:
    """The app's code now — or, when that step's code was given already, the next step's
    (accepted a step early), or after a wait: never one the service saw before."""
    key = _key(stack, email)
    totp = pyotp.TOTP(_APPS[key])
    while True:
        now = time.time()
        step = totp.timecode(datetime.fromtimestamp(now, UTC))
        for ahead in (0, 1):
            if step + ahead > _USED.get(key, -1):
                _USED[key] = step + ahead
                return totp.at(now + 30 * ahead)
        await asyncio.sleep(30 - now % 30 + 0.2)


async def sign_in_token(stack: Stack, ctx: Context, email: str) -> str:
    """Ask for a staff sign-in link; the token of the new e-mail."""
    before = len(stack.outbox.to(email, "staff console sign-in"))
    await sessions.staff_sign_in(ctx, email)
    return await _new_token(stack, email, before)


async def _new_token(stack: Stack, email: str, before: int) -> str:
    def newer() -> str | None:
        mail = stack.outbox.to(email, "staff console sign-in")[before:]
        found = re.search(r"cair staff redeem (\S+)", body_text(mail[-1])) if mail else None
        return found.group(1) if found else None

    return await eventually(newer)


async def staff_session(stack: Stack, ctx: Context, email: str, role: str) -> str:
    """Add a staff member of ``role``, e-mail them a sign-in link, redeem it, give the second
    factor: the session."""
    await staff_accounts.add(ctx, email, roles=[role], name=role.title())
    opened = await sessions.redeem(ctx, await sign_in_token(stack, ctx, email))
    if opened.second_factor == second_factor.ENROL:
        shown = await second_factor.enrolment(ctx, opened.token)
        remember_secret(stack, email, shown.secret)
    if opened.second_factor is not None:
        await second_factor.complete(ctx, opened.token, await code_for(stack, email))
    return opened.token


async def cli_sign_in(stack: Stack, email: str, folder: Path) -> str:
    """`cair staff sign-in`, the token from the e-mail, `cair staff redeem` — which shows the
    secret at first sign-in — then the code (`cair staff verify`, or `--code`): the output."""
    before = len(stack.outbox.to(email, "staff console sign-in"))
    stack.cli("staff", "sign-in", email)
    token = await _new_token(stack, email, before)
    if _key(stack, email) in _APPS:
        code = await code_for(stack, email)
        return stack.cli("staff", "redeem", token, "--code", code, config=folder).stdout
    shown = stack.cli("staff", "redeem", token, config=folder, stdin="").stdout
    secret = re.search(r"secret\s+([A-Z2-7]+)", shown)
    if secret is None:  # no second factor: `cair dev`'s admin
        return shown
    remember_secret(stack, email, secret.group(1))
    code = await code_for(stack, email)
    return shown + stack.cli("staff", "verify", code, config=folder).stdout


async def second_factor_in_browser(stack: Stack, page: Page, email: str) -> None:
    """At the page after the sign-in link: set the app up (keeping the secret shown, then
    past the recovery codes) or give its code; the console follows."""
    heading = page.locator("h1")
    await expect(heading).to_have_text(re.compile("^(Set up your second factor|Enter your code)$"))
    if await heading.text_content() == "Set up your second factor":
        remember_secret(stack, email, await page.locator("#secret").inner_text())
        await page.locator("#f-code").fill(await code_for(stack, email))
        await page.get_by_role("button", name="Turn on the second factor").click()
        await expect(heading).to_have_text("Your recovery codes")
        await page.get_by_role("link", name="Continue to the staff console").click()
    else:
        await page.locator("#f-code").fill(await code_for(stack, email))
        await page.get_by_role("button", name="Sign in").click()
