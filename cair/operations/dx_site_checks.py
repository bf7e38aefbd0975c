"""IZ Portal reads the pages need before they act: a site registration held to every rule the
registration itself applies — without registering anything, so the representative can check the
answers first — and one site as staff see it before they decide on it."""

from __future__ import annotations

from cair.domain.dx_registration import SiteRegistration
from cair.domain.problems import InvalidRequest, Problem
from cair.operations import data_exchange
from cair.operations.context import Context
from cair.operations.data_exchange import SiteView
from cair.operations.dx_registrations import (
    checked,
    data_exchange_organization,
    key_of_registration,
    same_site,
)
from cair.operations.errors import NotFound
from cair.operations.sessions import Representative
from cair.store import dx_sites


async def check_registration(
    ctx: Context, who: Representative, data: object, *, key: str | None = None
) -> SiteRegistration:
    """The registration as ``data_exchange.register`` would hold it (InvalidRequest with every
    problem, Refused for an organization that is not Data Exchange); nothing is written. A
    ``key`` already registered is the same form sent again: its sending finds that site."""
    async with ctx.db.sessions() as session:
        org = await data_exchange_organization(session, who.provider_id)
        own, registration = await checked(ctx, session, org, data)
        sent_before = key and await dx_sites.by_key(
            session, key_of_registration(who.provider_id, f"key/{key}")
        )
        if sent_before:
            return registration
    for site in own:
        if same_site(site, registration):
            raise InvalidRequest(
                [Problem("site_name", f"this site is registered already, as {site.site_id}")]
            )
    return registration


async def site_for_staff(ctx: Context, site_id: str) -> SiteView:
    """One site by its id, as the staff console shows it."""
    async with ctx.db.sessions() as session:
        rows = await dx_sites.listing(session, site_id=site_id)
    if not rows:
        raise NotFound(f"no data-exchange site {site_id}")
    return await data_exchange.site_of(ctx, rows[0][1], site_id)
