"""An enrolled organization's new sites: its representative enrolls one, signed in, with the
organization's facts filled in; it goes to the staff queue as an enrollment."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from cair.domain.new_site import NewSiteRequest
from cair.operations import new_sites
from cair.web.api.applicants import submitted
from cair.web.api.schemas import SentAs, Submitted
from cair.web.identity import Ctx, RepresentativeOf, audience

router = APIRouter(prefix="/api/v1", tags=["representatives"])
REPRESENTATIVE = audience("representative")
NewSiteBody = Annotated[Any, Body(), SentAs(NewSiteRequest)]


@router.post("/organizations/{provider_id}/sites", status_code=201, openapi_extra=REPRESENTATIVE)
async def enroll_site(body: NewSiteBody, who: RepresentativeOf, ctx: Ctx) -> Submitted:
    """Enroll a new site of the organization. Staff review it in the same queue as an
    enrollment; its county routes it (a Local CAIR Representative's county goes to them). Every
    problem is answered at once, one entry per field."""
    return await submitted(ctx, await new_sites.enroll_site(ctx, who, body))


@router.get("/organizations/{provider_id}/sites/new", openapi_extra=REPRESENTATIVE)
async def new_site_facts(who: RepresentativeOf, ctx: Ctx) -> dict[str, Any]:
    """What a new site's request takes from the organization (filled in for you)."""
    return await new_sites.prefilled(ctx, who)
