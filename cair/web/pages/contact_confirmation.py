"""A primary contact opens the link e-mailed to their address and confirms it (a button, so a
mail scanner that follows links confirms nothing): an applicant's before staff see the request,
an organization's new one before staff approve the change."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cair.operations import address_confirmations, contact_confirmations, links
from cair.store.links import LinkPurpose
from cair.web.pages.errors import link_page
from cair.web.pages.rendering import context_of, render

router = APIRouter()
TITLE = "Confirm your e-mail address"


async def _button(request: Request, token: str, purpose: LinkPurpose, why: str) -> Response:
    """The page behind the link: what it confirms, and the button (or why it cannot)."""
    problem = await links.inspect(context_of(request), token, purpose=purpose)
    if problem is not None:
        return link_page(request, problem)
    return render(
        request, "use_link.html", title=TITLE, button="Yes, this address is mine", explanation=why
    )


@router.get("/account/confirm-contact/{token}", response_class=HTMLResponse)
async def confirm_page(token: str, request: Request) -> Response:
    return await _button(
        request,
        token,
        LinkPurpose.CONFIRM_CONTACT,
        "You were named the primary contact of an organization enrolled in CAIR. Confirm that "
        "this e-mail address is yours; registry staff then review the change.",
    )


@router.post("/account/confirm-contact/{token}", response_class=HTMLResponse)
async def confirm(token: str, request: Request) -> Response:
    message = await contact_confirmations.confirm(context_of(request), token)
    return render(request, "contact_confirmed.html", title="Address confirmed", message=message)


@router.get("/enroll/confirm/{token}", response_class=HTMLResponse)
async def confirm_enrollment_page(token: str, request: Request) -> Response:
    return await _button(
        request,
        token,
        LinkPurpose.CONFIRM_ENROLLMENT,
        "A request to enroll an organization in CAIR names you as its primary contact. Confirm "
        "that this e-mail address is yours; registry staff then review the request.",
    )


@router.post("/enroll/confirm/{token}", response_class=HTMLResponse)
async def confirm_enrollment(token: str, request: Request) -> Response:
    status = await address_confirmations.confirm(context_of(request), token)
    message = address_confirmations.confirmed_words(status)
    return render(request, "contact_confirmed.html", title="Address confirmed", message=message)
