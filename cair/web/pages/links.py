"""The pages behind e-mailed links, and signing in and out. Opening a link's page changes
nothing (mail scanners open links too): it says at once whether the link can still be used, and
a button posts the token to use it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cair.operations import credentials, links, passwords, sessions
from cair.operations.errors import Invalid, NotSignedIn
from cair.store.links import LinkPurpose
from cair.web.api.schemas import SignInBody
from cair.web.identity import client_address
from cair.web.pages.cookies import SESSION_COOKIE, clear_cookie, set_cookie
from cair.web.pages.errors import link_page
from cair.web.pages.identity import session_token, visitor
from cair.web.pages.rendering import context_of, redirect, render

router = APIRouter()
PROVIDER_ID_MAX = 20


# Representatives ---------------------------------------------------------------------------


@router.get("/account/sign-in", response_class=HTMLResponse)
async def representative_sign_in(request: Request) -> Response:
    await visitor(request)
    return _sign_in_page(request, staff=False)


@router.post("/account/sign-in", response_class=HTMLResponse)
async def representative_link(request: Request) -> Response:
    form = await request.form()
    provider_id = str(form.get("provider_id", "")).strip().upper()
    email = str(form.get("email", "")).strip()
    errors = {}
    if not provider_id or len(provider_id) > PROVIDER_ID_MAX:
        errors["provider_id"] = "enter your organization's CAIR Provider ID, e.g. CA100001"
    if problem := _email_problem(email):
        errors["email"] = problem
    if errors:
        values = {"provider_id": provider_id, "email": email}
        return _sign_in_page(request, staff=False, values=values, errors=errors)
    answer = await sessions.sign_in(
        context_of(request), provider_id, email, client=client_address(request)
    )
    return render(request, "link_sent.html", title="Check your e-mail", answer=answer)


# Staff ---------------------------------------------------------------------------------------


@router.get("/staff/sign-in", response_class=HTMLResponse)
async def staff_sign_in(request: Request) -> Response:
    await visitor(request)
    return _sign_in_page(request, staff=True)


@router.post("/staff/sign-in", response_class=HTMLResponse)
async def staff_link(request: Request) -> Response:
    form = await request.form()
    email = str(form.get("email", "")).strip()
    if problem := _email_problem(email):
        values = {"email": email}
        return _sign_in_page(request, staff=True, values=values, errors={"email": problem})
    answer = await sessions.staff_sign_in(
        context_of(request), email, client=client_address(request)
    )
    return render(request, "link_sent.html", title="Check your e-mail", answer=answer)


# The sign-in link itself (either kind) -------------------------------------------------------


@router.get("/account/sign-in/{token}", response_class=HTMLResponse)
@router.get("/staff/sign-in/{token}", response_class=HTMLResponse)
async def sign_in_link(token: str, request: Request) -> Response:
    problem = await links.inspect(context_of(request), token, purpose=LinkPurpose.SIGN_IN)
    if problem is not None:
        return link_page(request, problem)
    return render(
        request,
        "use_link.html",
        title="Sign in",
        button="Sign in",
        explanation="This link signs you in once. Press the button to continue.",
    )


@router.post("/account/sign-in/{token}", response_class=HTMLResponse)
@router.post("/staff/sign-in/{token}", response_class=HTMLResponse)
async def redeem(token: str, request: Request) -> Response:
    ctx = context_of(request)
    opened = await sessions.redeem(ctx, token)
    home = "/staff" if opened.kind == "staff" else f"/account/{opened.provider_id}"
    response = redirect(request, home, notice="You are signed in.")  # the header names who
    if opened.second_factor:  # the session is usable once the code is given
        response = redirect(request, "/staff/second-factor")
    set_cookie(response, ctx.settings, SESSION_COOKIE, opened.token)
    return response


@router.post("/sign-out", response_class=HTMLResponse)
async def sign_out(request: Request) -> Response:
    ctx = context_of(request)
    with contextlib.suppress(NotSignedIn):  # ended already (idle): signed out all the same
        await sessions.sign_out(ctx, session_token(request))
    response = redirect(request, "/", notice="You are signed out.")
    clear_cookie(response, ctx.settings, SESSION_COOKIE)
    return response


# Data-exchange credentials -------------------------------------------------------------------


@router.get("/credentials/reveal/{token}", response_class=HTMLResponse)
async def reveal_page(token: str, request: Request) -> Response:
    ctx = context_of(request)
    problem = await links.inspect(ctx, token, purpose=LinkPurpose.CREDENTIAL_REVEAL)
    if problem is not None:
        return link_page(request, problem)
    return render(
        request,
        "use_link.html",
        title="Your data-exchange credentials",
        button="Show the credentials",
        explanation="The secret is shown once, on the next page, and never again: have your "
        "EHR vendor's form or your password manager ready before you press the button.",
    )


@router.post("/credentials/reveal/{token}", response_class=HTMLResponse)
async def reveal(token: str, request: Request) -> Response:
    revealed = await credentials.reveal(context_of(request), token)
    return render(
        request, "revealed.html", title="Your data-exchange credentials", credentials=revealed
    )


# Password setup ------------------------------------------------------------------------------


@router.get("/password-setup/{token}", response_class=HTMLResponse)
async def password_page(token: str, request: Request) -> Response:
    user_id = await passwords.user_of_link(context_of(request), token)
    return render(
        request, "password.html", title="Set your CAIR password", user_id=user_id, errors={}
    )


@router.post("/password-setup/{token}", response_class=HTMLResponse)
async def set_password(token: str, request: Request) -> Response:
    ctx = context_of(request)
    user_id = await passwords.user_of_link(ctx, token)
    form = await request.form()
    password, again = str(form.get("password", "")), str(form.get("password_again", ""))
    error = None
    if password != again:
        error = "the two passwords differ; type the same password twice"
    else:
        try:
            await passwords.set_password(ctx, token, password)
        except Invalid as invalid:
            error = str(invalid).removeprefix("password: ")
    if error:
        return render(
            request,
            "password.html",
            status=422,
            title="Error: Set your CAIR password",
            user_id=user_id,
            errors={"password": error},
        )
    return render(request, "password_set.html", title="Your password is set", user_id=user_id)


@dataclass(frozen=True)
class SignInPage:
    """What sign_in.html reads: one form for both kinds of sign-in (a representative gives a
    Provider ID too, staff only an e-mail address), blank or sent back with its problems."""

    staff: bool
    values: dict[str, str]
    errors: dict[str, str]


def _sign_in_page(
    request: Request,
    *,
    staff: bool,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    title = "Staff console sign-in" if staff else "Sign in to your CAIR account"
    page = SignInPage(staff=staff, values=values or {}, errors=errors or {})
    if errors:
        return render(request, "sign_in.html", page, status=422, title=f"Error: {title}")
    return render(request, "sign_in.html", page, title=title)


def _email_problem(email: str) -> str | None:
    if not email:
        return "enter your e-mail address"
    try:
        SignInBody(email=email)
    except ValidationError as invalid:
        return str(invalid.errors()[0]["msg"]).removeprefix("Value error, ").lower()
    return None if "@" in email else "enter an e-mail address, like name@example.org"
