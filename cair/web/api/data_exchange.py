"""The IZ Portal's JSON API: a Data Exchange organization's representative registers sites and
follows them; staff see every site and approve production or send a site back. The endpoint the
sites send to is SOAP, in :mod:`cair.web.iis`."""

from __future__ import annotations

from fastapi import APIRouter

from cair.domain.contracts.credentials import Credentials
from cair.domain.contracts.data_exchange import DxEnvironment, DxStage, DxStatus
from cair.domain.staff_roles import StaffRole
from cair.operations import data_exchange, dx_decisions
from cair.operations.data_exchange import SiteView
from cair.web.api.headers import IdempotencyKey
from cair.web.api.schemas import MessageBody, RegistrationBody
from cair.web.identity import Admin, Ctx, RepresentativeOf, Reviewer, audience

router = APIRouter(prefix="/api/v1", tags=["data exchange"])
REPRESENTATIVE = audience("representative")
REVIEWER = audience("staff", StaffRole.REVIEWER)


@router.post("/organizations/{provider_id}/dx-sites", status_code=201, openapi_extra=REPRESENTATIVE)
async def register(
    body: RegistrationBody, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> SiteView:
    """Register a site for data exchange; its staging credentials follow by e-mail. Every
    problem is answered at once, one entry per field."""
    return await data_exchange.register(ctx, who, body, key=key)


@router.get("/organizations/{provider_id}/dx-sites", openapi_extra=REPRESENTATIVE)
async def sites(who: RepresentativeOf, ctx: Ctx) -> list[SiteView]:
    """The organization's sites: stage, last messages and ACK outcomes, what testing needs."""
    return await data_exchange.sites_of(ctx, who.provider_id)


@router.get("/organizations/{provider_id}/dx-sites/{site_id}", openapi_extra=REPRESENTATIVE)
async def site(site_id: str, who: RepresentativeOf, ctx: Ctx) -> SiteView:
    return await data_exchange.site_of(ctx, who.provider_id, site_id)


@router.get("/staff/dx-sites", openapi_extra=REVIEWER)
async def all_sites(staff: Reviewer, ctx: Ctx, stage: DxStage | None = None) -> list[SiteView]:
    """Every site, the longest waiting in its stage first; ``stage=ready_for_review`` is the
    review queue."""
    return await data_exchange.all_sites(ctx, stage=stage)


@router.post("/staff/dx-sites/{site_id}/approve", openapi_extra=REVIEWER)
async def approve(site_id: str, staff: Reviewer, ctx: Ctx) -> DxStatus:
    """Production credentials are issued and e-mailed once the site met its test plan."""
    return await dx_decisions.decide(ctx, site_id, staff, approve=True)


@router.post(
    "/staff/dx-sites/{site_id}/credentials/{environment}",
    openapi_extra=audience("staff", StaffRole.ADMIN),
)
async def reissue(site_id: str, environment: DxEnvironment, staff: Admin, ctx: Ctx) -> Credentials:
    """New credentials of one environment for a site that lost its link; the old secret stops
    working and the representative gets a new single-use link."""
    return await dx_decisions.reissue(ctx, site_id, environment, staff)


@router.post("/staff/dx-sites/{site_id}/send-back", openapi_extra=REVIEWER)
async def send_back(site_id: str, body: MessageBody, staff: Reviewer, ctx: Ctx) -> DxStatus:
    """Back to testing; the representative gets the message, the test plan counts anew."""
    return await dx_decisions.decide(ctx, site_id, staff, approve=False, message=body.message)
