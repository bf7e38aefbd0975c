"""CSRF protection for every form: a random cookie, and in each form a token that is an HMAC
under the server's key of that cookie and, when someone is signed in, of their session token's
digest. Another site can make a browser post, but can neither read the cookies nor compute the
token; and a token taken from one session's page (or a cookie planted from a sibling domain
with a token that goes with it) is refused in another session. Anonymous forms (enrollment, the
sign-in request) are bound to the cookie alone. A post whose Origin is another site's is refused
as well."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request

from cair.operations.errors import Forbidden
from cair.security.tokens import token_digest
from cair.web.pages.cookies import CSRF_COOKIE, SESSION_COOKIE, read_cookie

COOKIE = CSRF_COOKIE
FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSAL = (
    "This form could not be accepted: it was open too long, you signed in or out since it was "
    "opened, or it came from another site. Nothing was changed. Go back, reload the page, and "
    "send it again."
)


class CsrfRefused(Forbidden):
    """A form post without the right token (or from another origin)."""


def token_for(key: bytes, cookie: str, session: str | None = None) -> str:
    """The form token: bound to the browser's cookie, and to the session when there is one."""
    message = f"csrf-session:{token_digest(session)}:{cookie}" if session else f"csrf:{cookie}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def token_of(request: Request, cookie: str) -> str:
    """The token this browser's forms carry: under its cookie and its session cookie, if any."""
    key: bytes = request.app.state.ctx.settings.web_key()
    return token_for(key, cookie, read_cookie(request, SESSION_COOKIE))


def browser_cookie(request: Request) -> str | None:
    """The browser's CSRF cookie, if it sent one of a plausible length (it also seeds the ids
    that make a form sent twice one request)."""
    existing = read_cookie(request, COOKIE)
    return existing if existing and 20 <= len(existing) <= 100 else None


def cookie_value(request: Request) -> tuple[str, bool]:
    """The browser's CSRF cookie, or a new one (True: the response must set it)."""
    existing = browser_cookie(request)
    if existing:
        return existing, False
    fresh: str | None = getattr(request.state, "csrf_cookie", None)
    if fresh is None:
        fresh = secrets.token_urlsafe(32)
        request.state.csrf_cookie = fresh
    return fresh, True


async def check(request: Request) -> None:
    """A page route's guard: an unsafe method needs the form's token to match the cookie and
    the session; it runs before the route's own work, so a refusal changes nothing."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin and origin != "null" and not _same_origin(origin, request):
        raise CsrfRefused(REFUSAL)
    cookie = browser_cookie(request)
    form = await request.form()
    sent = form.get(FIELD)
    if not cookie or not isinstance(sent, str):
        raise CsrfRefused(REFUSAL)
    if not hmac.compare_digest(sent, token_of(request, cookie)):
        raise CsrfRefused(REFUSAL)


def _same_origin(origin: str, request: Request) -> bool:
    """The Origin names this site: the host the browser asked for, or the public address."""
    seen = urlsplit(origin).netloc.lower()
    public = urlsplit(request.app.state.ctx.settings.public_base_url).netloc.lower()
    return seen in {request.headers.get("host", "").lower(), public}
