"""The staff sign-in's second step, after the e-mailed link: the session the link opened is not
usable until it is done. At first sign-in the page shows the secret to add to an authenticator
app (and its otpauth:// link) and asks for a current code; the recovery codes follow, once.
Later sign-ins ask for the app's code, or a recovery code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from cair.operations import second_factor
from cair.operations.errors import Invalid, NotSignedIn, OperationError, TooManyRequests
from cair.operations.second_factor import Due
from cair.web.pages.identity import SignInFirst, session_token
from cair.web.pages.rendering import context_of, redirect, render

router = APIRouter(prefix="/staff")
PATH = "/staff/second-factor"


async def staff_page_signing_in(request: Request) -> Due:
    """A staff session opened by a link that waits for its second factor; anyone else is
    sent to the staff sign-in (someone signed in already, to the console)."""
    try:
        return await second_factor.due(context_of(request), session_token(request))
    except NotSignedIn:
        raise SignInFirst("/staff/sign-in", "Sign in to the staff console.") from None
    except OperationError:
        raise SignInFirst("/staff", "You are signed in already.") from None


SigningIn = Annotated[Due, Depends(staff_page_signing_in)]


@dataclass(frozen=True)
class SecondFactorPage:
    """What staff_second_factor.html reads: whose sign-in it is, at enrolment the secret (in
    groups of four, as people type it) and its otpauth:// link, and a refused code's problem."""

    email: str
    enrol: bool
    secret: str
    uri: str
    error: str


@router.get("/second-factor", response_class=HTMLResponse)
async def second_factor_page(due: SigningIn, request: Request) -> Response:
    return await _page(request, due)


@router.post("/second-factor", response_class=HTMLResponse)
async def give_code(due: SigningIn, request: Request) -> Response:
    code = str((await request.form()).get("code", ""))[:40].strip()
    if not code:
        return await _page(request, due, error="enter the code", status=422)
    try:
        done = await second_factor.complete(context_of(request), session_token(request), code)
    except Invalid as wrong:
        return await _page(request, due, error=str(wrong).removeprefix("code: "), status=422)
    except TooManyRequests as waiting:
        return await _page(request, due, error=str(waiting), status=429)
    if done.recovery_codes:
        return render(
            request,
            "staff_recovery_codes.html",
            title="Your recovery codes",
            codes=done.recovery_codes,
        )
    notice = f"Signed in as {done.email}."
    if done.recovery_codes_left is not None:
        notice += f" A recovery code was used: {done.recovery_codes_left} left."
    return redirect(request, "/staff", notice=notice)


async def _page(request: Request, due: Due, *, error: str = "", status: int = 200) -> Response:
    enrol = due.kind == second_factor.ENROL
    secret = uri = ""
    if enrol:
        enrolment = await second_factor.enrolment(context_of(request), session_token(request))
        secret = " ".join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4))
        uri = enrolment.uri
    page = SecondFactorPage(email=due.email, enrol=enrol, secret=secret, uri=uri, error=error)
    title = "Set up your second factor" if enrol else "Enter your code"
    return render(
        request,
        "staff_second_factor.html",
        page,
        status=status,
        title=("Error: " if error else "") + title,
    )
