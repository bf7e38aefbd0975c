"""The cookies the pages set, all alike: HttpOnly (no script reads them), SameSite=Lax (not sent
with another site's form posts), Secure outside dev (``Settings.secure_cookies``), whole-site.

Served over https, each is named ``__Host-…``: the browser then takes it only from this host,
Secure, Path=/ and without Domain, so a sibling domain cannot plant a session or a CSRF cookie.
Over plain http (dev, the tests) browsers refuse such names, so the plain ones are kept there.
``cookie_name`` alone decides; every reader and writer goes through it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from cair.settings import Settings

SESSION_COOKIE = "cair_session"  # the session token of a representative or a staff member
NOTICE_COOKIE = "cair_notice"  # what the last action did, sealed, shown once
CSRF_COOKIE = "cair_csrf"  # the random value the forms' CSRF tokens are bound to
HOST_PREFIX = "__Host-"


def over_https(settings: Settings) -> bool:
    """Whether people reach the site over https (its public address says so)."""
    return settings.public_base_url.startswith("https://")


def cookie_name(settings: Settings, name: str) -> str:
    """The name a cookie goes by: ``__Host-`` prefixed over https, as it is over http."""
    return HOST_PREFIX + name if over_https(settings) else name


def read_cookie(request: Request, name: str) -> str | None:
    """The cookie under the name this deployment gives it (the other spelling is ignored)."""
    settings: Settings = request.app.state.ctx.settings
    return request.cookies.get(cookie_name(settings, name))


def _secure(settings: Settings) -> bool:
    """``__Host-`` cookies must be Secure, whatever ``cookie_secure`` says."""
    return settings.secure_cookies() or over_https(settings)


def set_cookie(
    response: Response, settings: Settings, name: str, value: str, *, max_age: int | None = None
) -> None:
    response.set_cookie(
        cookie_name(settings, name),
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(settings),
    )


def clear_cookie(response: Response, settings: Settings, name: str) -> None:
    response.delete_cookie(
        cookie_name(settings, name),
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(settings),
    )
