"""CSRF protection for every form: a random cookie, and in each form a token that is an HMAC of
it under the server's key (a signed double submit). Another site can make a browser post, but
can neither read the cookie nor compute the token. A post whose Origin is another site's is
refused as well."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request

from cair.operations.errors import Forbidden

COOKIE = "cair_csrf"
FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSAL = (
    "This form could not be accepted: it was open too long or came from another site. Go "
    "back, reload the page, and send it again."
)


class CsrfRefused(Forbidden):
    """A form post without the right token (or from another origin)."""


def token_for(key: bytes, cookie: str) -> str:
    return hmac.new(key, b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()


def cookie_value(request: Request) -> tuple[str, bool]:
    """The browser's CSRF cookie, or a new one (True: the response must set it)."""
    existing = request.cookies.get(COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing, False
    fresh: str | None = getattr(request.state, "csrf_cookie", None)
    if fresh is None:
        fresh = secrets.token_urlsafe(32)
        request.state.csrf_cookie = fresh
    return fresh, True


async def check(request: Request) -> None:
    """A page route's guard: an unsafe method needs the form's token to match the cookie."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin and origin != "null" and not _same_origin(origin, request):
        raise CsrfRefused(REFUSAL)
    cookie = request.cookies.get(COOKIE)
    form = await request.form()
    sent = form.get(FIELD)
    key: bytes = request.app.state.ctx.settings.web_key()
    if not cookie or not isinstance(sent, str):
        raise CsrfRefused(REFUSAL)
    if not hmac.compare_digest(sent, token_for(key, cookie)):
        raise CsrfRefused(REFUSAL)


def _same_origin(origin: str, request: Request) -> bool:
    """The Origin names this site: the host the browser asked for, or the public address."""
    seen = urlsplit(origin).netloc.lower()
    public = urlsplit(request.app.state.ctx.settings.public_base_url).netloc.lower()
    return seen in {request.headers.get("host", "").lower(), public}
