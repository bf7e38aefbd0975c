"""Drawing a page: one Jinja2 environment (autoescaped, strict about undefined names), the
values every page has (who is signed in, the CSRF token, a notice left by the last action), and
the redirect that follows a successful form (post/redirect/get, so a reload sends nothing twice).
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from cair.domain.dates import long_date
from cair.domain.plain_words import TEMPLATE_FILTERS
from cair.operations.context import Context
from cair.web.pages import csrf, notices
from cair.web.pages.cookies import NOTICE_COOKIE, clear_cookie, read_cookie, set_cookie

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "pages"
STATIC = Path(__file__).resolve().parents[1] / "static"
SERVICE_NAME = "CAIR Enrollment"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(static=static_url, service_name=SERVICE_NAME)
    env.filters["long_date"] = _long_date
    env.filters.update(TEMPLATE_FILTERS)
    return env


@cache
def static_url(name: str) -> str:
    """The asset's URL with a digest of its content, so browsers may keep it for long."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    return f"/static/{name}?v={digest}"


def _long_date(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    return long_date(value)


def context_of(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def render(
    request: Request,
    template: str,
    page: DataclassInstance | None = None,
    *,
    status: int = 200,
    title: str,
    **values: Any,
) -> HTMLResponse:
    """The page, with a CSRF token for its forms and the notice the last redirect left.

    The other names the template reads come as ``page``, a dataclass whose fields are those
    names, so that what a page needs is typed and checked (a page that reads many), or as
    keywords (one that reads one or two)."""
    settings = context_of(request).settings
    csrf_cookie, fresh = csrf.cookie_value(request)
    sealed = read_cookie(request, NOTICE_COOKIE)
    notice = notices.unseal(settings, sealed) if sealed else None
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            title=title,
            csrf_token=csrf.token_of(request, csrf_cookie),
            notice=notice,
            who=getattr(request.state, "who", None),
            **_names_of(page),
            **values,
        )
    )
    response = HTMLResponse(html, status_code=status)
    if fresh:
        set_cookie(response, settings, csrf.COOKIE, csrf_cookie)
    if sealed:  # shown once; a forged or stale one is dropped unshown
        clear_cookie(response, settings, NOTICE_COOKIE)
    return response


def _names_of(page: DataclassInstance | None) -> dict[str, Any]:
    """A page's fields by name, as they are: not copied, nested dataclasses kept (unlike
    ``dataclasses.asdict``), so the template reads the same objects the handler built."""
    if page is None:
        return {}
    return {f.name: getattr(page, f.name) for f in fields(page)}


def redirect(request: Request, url: str, *, notice: str | None = None) -> RedirectResponse:
    """303 to ``url``; ``notice`` is shown once on the page it lands on (sealed on the way)."""
    response = RedirectResponse(url, status_code=303)
    if notice:
        settings = context_of(request).settings
        sealed = notices.seal(settings, notice)
        set_cookie(response, settings, NOTICE_COOKIE, sealed, max_age=notices.SECONDS)
    return response
