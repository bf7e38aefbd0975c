"""The pages' trust hardening, without a stack: the app in this process on a migrated SQLite.
A form token is bound to the session it was shown in (a token from another session is refused,
nothing changed), anonymous forms keep their cookie-bound token; over https every cookie is a
``__Host-`` cookie and every answer carries HSTS, over http neither; the notice cookie is
sealed, and one that is forged, tampered with or sealed by another key is never shown."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from cair.operations.context import Context
from cair.settings import Settings
from cair.store import sessions as stored_sessions
from cair.store.migrate import migrate_database
from cair.web.app import create_app
from cair.web.pages import notices
from cair.web.pages.cookies import cookie_name

HTTP = "http://localhost:8000"
HTTPS = "https://cair.example"
FORM = "/account/sign-in"  # the sign-in request: an anonymous form on a page that needs no mail


class Browser:
    """A cookie jar kept by hand, so the test decides which cookies go (httpx's jar would keep
    and send them on its own)."""

    def __init__(self, client: httpx.AsyncClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.jar: dict[str, str] = {}
        self.set_cookies: list[str] = []  # every Set-Cookie header seen, in order

    def name(self, base: str) -> str:
        return cookie_name(self.settings, base)

    async def get(self, path: str) -> httpx.Response:
        return self._keep(await self.client.get(path, headers=self._cookie_header()))

    async def post(self, path: str, data: dict[str, str]) -> httpx.Response:
        sent = await self.client.post(path, data=data, headers=self._cookie_header())
        return self._keep(sent)

    async def token(self, path: str = FORM) -> str:
        page = await self.get(path)
        found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert found, page.text[:500]
        return found.group(1)

    def _cookie_header(self) -> dict[str, str]:
        return {"cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())} if self.jar else {}

    def _keep(self, response: httpx.Response) -> httpx.Response:
        self.client.cookies.clear()
        for header in response.headers.get_list("set-cookie"):
            self.set_cookies.append(header)
            name, _, value = header.split(";", 1)[0].partition("=")
            if "max-age=0" in header.lower():
                self.jar.pop(name, None)
            else:
                self.jar[name] = value.strip('"')
        return response


@asynccontextmanager
async def site(tmp_path: Path, base: str) -> AsyncIterator[tuple[Settings, httpx.AsyncClient]]:
    settings = Settings(var_dir=tmp_path, public_base_url=base)
    await migrate_database(settings)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url=base) as client:
            yield settings, client
    finally:
        await app.state.ctx.close()


async def open_session(settings: Settings) -> str:
    """A live staff session as the store keeps it (whose it is does not matter to the check)."""
    ctx = Context(settings)
    try:
        async with ctx.db.sessions.begin() as session:
            return await stored_sessions.open_session(
                session,
                kind=stored_sessions.STAFF,
                subject_id=1,
                expires_at=datetime.now(UTC) + timedelta(hours=1),
            )
    finally:
        await ctx.close()


async def is_live(settings: Settings, token: str) -> bool:
    ctx = Context(settings)
    try:
        async with ctx.db.sessions.begin() as session:
            found = await stored_sessions.find_live(session, token, idle=timedelta(hours=1))
            return found is not None
    finally:
        await ctx.close()


async def test_a_form_token_is_bound_to_its_session(tmp_path: Path) -> None:
    async with site(tmp_path, HTTP) as (settings, client):
        mine, theirs = await open_session(settings), await open_session(settings)
        browser = Browser(client, settings)
        browser.jar["cair_session"] = mine
        token = await browser.token()

        # The same browser, the same CSRF cookie, another session: the token is worth nothing.
        browser.jar["cair_session"] = theirs
        refused = await browser.post("/sign-out", {"csrf_token": token})
        assert refused.status_code == 403
        assert "could not be accepted" in refused.text
        assert "signed in or out" in refused.text
        assert await is_live(settings, mine) and await is_live(settings, theirs)

        # A token of an anonymous page is refused once someone is signed in...
        del browser.jar["cair_session"]
        anonymous = await browser.token()
        browser.jar["cair_session"] = mine
        assert (await browser.post("/sign-out", {"csrf_token": anonymous})).status_code == 403
        assert await is_live(settings, mine)

        # ...and the session's own token is taken: the sign-out happens.
        accepted = await browser.post("/sign-out", {"csrf_token": token})
        assert accepted.status_code == 303, accepted.text[:500]
        assert not await is_live(settings, mine) and await is_live(settings, theirs)

        # Anonymous forms keep working with the token bound to the cookie alone.
        stranger = Browser(client, settings)
        sent = await stranger.post("/sign-out", {"csrf_token": await stranger.token()})
        assert sent.status_code == 303


async def test_over_https_every_cookie_is_a_host_cookie(tmp_path: Path) -> None:
    async with site(tmp_path, HTTPS) as (settings, client):
        session = await open_session(settings)
        browser = Browser(client, settings)
        browser.jar["__Host-cair_session"] = session
        browser.jar["cair_session"] = await open_session(settings)  # a sibling domain's plant
        token = await browser.token()
        signed_out = await browser.post("/sign-out", {"csrf_token": token})
        assert signed_out.status_code == 303, signed_out.text[:500]
        assert not await is_live(settings, session)  # read under its __Host- name
        assert await is_live(settings, browser.jar["cair_session"])  # the plant: ignored
        names = {header.split("=", 1)[0] for header in browser.set_cookies}
        assert names == {"__Host-cair_csrf", "__Host-cair_session", "__Host-cair_notice"}
        for header in browser.set_cookies:
            attributes = [part.strip().lower() for part in header.split(";")[1:]]
            assert "secure" in attributes and "path=/" in attributes and "httponly" in attributes
            assert not any(part.startswith("domain") for part in attributes)


async def test_over_http_the_cookies_keep_their_plain_names(tmp_path: Path) -> None:
    async with site(tmp_path, HTTP) as (settings, client):
        browser = Browser(client, settings)
        await browser.post("/sign-out", {"csrf_token": await browser.token()})
        names = {header.split("=", 1)[0] for header in browser.set_cookies}
        assert names == {"cair_csrf", "cair_session", "cair_notice"}
        assert not any("secure" in header.lower() for header in browser.set_cookies)


async def test_hsts_over_https_only(tmp_path: Path) -> None:
    async with site(tmp_path / "s", HTTPS) as (_, client):
        for path in (FORM, "/no-such-page", "/static/site.css", "/openapi.json"):
            answer = await client.get(path)
            assert (
                answer.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
            ), path
    async with site(tmp_path / "p", HTTP) as (_, client):
        for path in (FORM, "/static/site.css"):
            assert "strict-transport-security" not in (await client.get(path)).headers


async def test_the_notice_is_sealed_and_a_forged_one_ignored(tmp_path: Path) -> None:
    async with site(tmp_path / "a", HTTP) as (settings, client):
        browser = Browser(client, settings)
        await browser.post("/sign-out", {"csrf_token": await browser.token()})
        sealed = browser.jar["cair_notice"]
        assert "signed" not in sealed.lower()  # not readable in the cookie
        shown = await browser.get(FORM)
        assert "You are signed out." in shown.text
        assert "cair_notice" not in browser.jar  # shown once

        other_key = notices.seal(Settings(var_dir=tmp_path / "b"), "Your account is closed.")
        for forged in (
            "Your%20account%20is%20closed.",  # the old, plain format
            sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"),  # tampered
            other_key,  # sealed, but not by this site's key
        ):
            browser.jar["cair_notice"] = forged
            page = await browser.get(FORM)
            assert page.status_code == 200
            assert "account is closed" not in page.text and "signed out" not in page.text
            assert 'class="notice"' not in page.text
            assert "cair_notice" not in browser.jar  # and dropped
