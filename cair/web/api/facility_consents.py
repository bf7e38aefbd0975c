"""Sending Facility consents: a role 2 site of another organization that names one of this
organization's Sending Facilities waits until one of its representatives accepts it (or
refuses it). Under /organizations/{provider_id}, for that organization's representatives."""

from __future__ import annotations

from fastapi import APIRouter

from cair.operations import facility_consents
from cair.operations.facility_consents import Consents, ConsentView
from cair.web.identity import Ctx, RepresentativeOf, audience

router = APIRouter(prefix="/api/v1/organizations/{provider_id}", tags=["data exchange"])
REPRESENTATIVE = audience("representative")


@router.get("/facility-consents", openapi_extra=REPRESENTATIVE)
async def consents(who: RepresentativeOf, ctx: Ctx) -> Consents:
    """``to_decide``: other organizations' sites that name one of your Sending Facilities,
    pending first; ``asked``: your sites that name another organization's, and whether it
    accepted them. Until accepted, the facility cannot send for the site and the site's
    messages are refused (``VXU-MSH4-CONSENT``)."""
    return await facility_consents.of_organization(ctx, who.provider_id)


@router.post("/facility-consents/{site_id}/accept", openapi_extra=REPRESENTATIVE)
async def accept(site_id: str, who: RepresentativeOf, ctx: Ctx) -> ConsentView:
    """Accept the site (its Site ID) as a client of your Sending Facility: the facility may
    send for it, and its own messages naming the facility are accepted. Audited on both
    organizations."""
    return await facility_consents.decide(ctx, who, site_id, accept=True)


@router.post("/facility-consents/{site_id}/refuse", openapi_extra=REPRESENTATIVE)
async def refuse(site_id: str, who: RepresentativeOf, ctx: Ctx) -> ConsentView:
    """Refuse the site (also after accepting it): the facility may not send for it, and its
    messages naming the facility are answered AR. Audited on both organizations."""
    return await facility_consents.decide(ctx, who, site_id, accept=False)
