"""After migration 0006: an organization whose enrollment-level credentials were retired has its
first site registered for data exchange; `cair start-onboarding` starts that site's onboarding,
which issues its staging credentials and e-mails the representative. Run again, it starts
nothing twice."""

from __future__ import annotations

import re

from sqlalchemy import select

from cair.operations import data_exchange
from cair.store import organizations
from cair.store.models import CredentialRow, DxSiteRow, OrganizationRow, RepresentativeRow
from tests.helpers.accounts import enrolled
from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack
from tests.helpers.waiting import eventually


async def test_start_onboarding_issues_the_migrated_sites_staging_credentials(
    stack: Stack,
) -> None:
    ctx = stack.context()
    try:
        account = await enrolled(stack, ctx, "clinic", "Migrated", email_domain="migrated.example")
        # As migration 0006 leaves an organization that held enrollment-level credentials.
        async with ctx.db.sessions.begin() as session:
            org = await session.scalar(
                select(OrganizationRow).where(OrganizationRow.provider_id == account.provider_id)
            )
            assert org is not None
            org.access_level = "data_exchange"
            site = await organizations.main_site(session, org.id)
            rep = await session.scalar(
                select(RepresentativeRow).where(RepresentativeRow.organization_id == org.id)
            )
            assert site is not None and rep is not None
            session.add(
                DxSiteRow(
                    organization_id=org.id,
                    site_row_id=site.id,
                    site_id=site.facility_id,
                    registration_key=f"migrated/{account.provider_id}",
                    role=1,
                    site_name=site.name or org.name,
                    county=org.county,
                    region=org.region,
                    registration={"migrated_from": "enrollment credentials"},
                    stage="registered",
                    registered_by=rep.email,
                    representative_id=rep.id,
                )
            )
            site_id, rep_email = site.facility_id, rep.email

        shown = stack.cli("start-onboarding").stdout
        assert f"{site_id}: onboarding started" in shown, shown
        mail = await eventually(
            lambda: stack.outbox.to(rep_email, f"staging credentials for site {site_id}"),
            timeout=60,
        )
        assert re.search(r"/credentials/reveal/\S+", body_text(mail[-1]))
        async with ctx.db.sessions() as session:
            registered = await session.scalar(select(DxSiteRow).where(DxSiteRow.site_id == site_id))
            assert registered is not None
            held = (
                await session.scalars(
                    select(CredentialRow).where(CredentialRow.dx_site_id == registered.id)
                )
            ).all()
        assert [(c.environment, c.active, c.username) for c in held] == [
            ("staging", True, f"{site_id.lower()}-staging")
        ]
        assert site_id not in await data_exchange.start_waiting(ctx)  # run again: nothing twice
    finally:
        await ctx.close()
