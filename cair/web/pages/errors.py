"""Errors on pages read as pages: what happened, in a sentence, and what to do next — never a
JSON document, never a traceback, never a dead end (a way back to the page the person came
from, and to their own pages). A page that needs a session sends the person to sign in; an
e-mailed link that cannot be used says whether it was used, replaced or has expired, and points
to the sign-in its audience uses (staff links to the staff sign-in)."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from cair.operations.errors import LinkUnusable
from cair.store.links import LinkProblem
from cair.web.pages.identity import SignInFirst, visitor
from cair.web.pages.rendering import redirect, render

NOT_PAGES = ("/api/", "/openapi.json", "/healthz", "/readyz", "/static/")

TITLES = {
    400: "Something was wrong with that request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Page not found",
    405: "That cannot be done here",
    409: "That cannot be done now",
    413: "Too much was sent",
    422: "Please check what you entered",
    429: "Too many tries",
    500: "Something went wrong on our side",
    503: "The service is busy or restarting",
}
NEXT_STEPS = {
    401: "Sign in again from the home page.",
    403: "If you think you should be able to see this, ask registry staff.",
    404: "Check the address, or start again from the home page.",
    429: "Wait a few minutes and try again.",
    500: "Nothing you entered was lost on our side if you saw no confirmation; please try "
    "again in a moment. If it happens again, call the CAIR Help Desk.",
    503: "Please try again in a minute.",
}
LINK_PAGES = {
    LinkProblem.USED: (
        "This link has already been used",
        "Each link in our e-mails works once. If you need another, ask for a new one: sign in "
        "again, or ask registry staff.",
    ),
    LinkProblem.EXPIRED: (
        "This link has expired",
        "Links in our e-mails work for a limited time. Ask for a new one: sign in again, or "
        "ask registry staff.",
    ),
    LinkProblem.REPLACED: (
        "This link was replaced by a newer one",
        "A newer e-mail has a link that works; use the latest one.",
    ),
    LinkProblem.UNKNOWN: (
        "This link is not valid",
        "Check that the whole address was copied from the e-mail, or ask for a new link.",
    ),
}


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(NOT_PAGES)


async def note_visitor(request: Request) -> None:
    """Who is signed in, for the header of an error page — if that can be known: an error
    page must draw even while the database is away."""
    with contextlib.suppress(Exception):
        await visitor(request)


def error_page(
    request: Request, status: int, detail: str | None, *, headers: dict[str, str] | None = None
) -> HTMLResponse:
    response = render(
        request,
        "error.html",
        status=status,
        title=TITLES.get(status, "Something went wrong"),
        detail=detail,
        next_step=NEXT_STEPS.get(status, ""),
        back=_back(request),
    )
    response.headers.update(headers or {})
    return response


def link_page(request: Request, problem: LinkProblem) -> HTMLResponse:
    title, next_step = LINK_PAGES[problem]
    staff = request.url.path.startswith("/staff/")
    return render(
        request,
        "staff_link_unusable.html" if staff else "link_unusable.html",
        status=410 if problem != LinkProblem.UNKNOWN else 404,
        title=title,
        next_step=next_step,
        problem=problem.name.lower(),
    )


def refusal_page(
    request: Request, error: Exception, status: int, headers: dict[str, str] | None = None
) -> HTMLResponse | RedirectResponse:
    """The page for an operation's refusal raised anywhere under a page route."""
    if isinstance(error, SignInFirst):
        return redirect(request, error.sign_in_path, notice=str(error))
    if isinstance(error, LinkUnusable):
        return link_page(request, error.problem)
    return error_page(request, status, _sentence(str(error)), headers=headers)


def _back(request: Request) -> str | None:
    """The page this one was reached from, when it is one of ours and not this one."""
    referer = urlsplit(request.headers.get("referer", ""))
    if not referer.path or referer.netloc.lower() != request.headers.get("host", "").lower():
        return None
    path = referer.path + (f"?{referer.query}" if referer.query else "")
    if path == request.url.path or not path.startswith("/") or path.startswith("//"):
        return None
    return path


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")
