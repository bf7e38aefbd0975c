"""A primary contact confirms their address with the token of the e-mailed link: an applicant's,
before the request reaches staff; an organization's new one, before staff approve the change."""

from __future__ import annotations

from fastapi import APIRouter

from cair.operations import address_confirmations, contact_confirmations
from cair.web.api.schemas import Message, TokenBody
from cair.web.identity import PUBLIC, Ctx

router = APIRouter(prefix="/api/v1", tags=["links"])


@router.post("/contact-confirmations", openapi_extra=PUBLIC)
async def confirm_contact(body: TokenBody, ctx: Ctx) -> Message:
    """Confirm a new primary contact's address, from the token of the e-mailed link: registry
    staff may then approve the change that makes them an authorized representative."""
    return Message(message=await contact_confirmations.confirm(ctx, body.token))


@router.post("/enrollment-confirmations", openapi_extra=PUBLIC)
async def confirm_enrollment_contact(body: TokenBody, ctx: Ctx) -> Message:
    """Confirm an applicant's primary-contact address, from the token of the e-mailed link: the
    request then goes to registry staff. An unconfirmed request expires after 7 days."""
    status = await address_confirmations.confirm(ctx, body.token)
    return Message(message=address_confirmations.confirmed_words(status))
