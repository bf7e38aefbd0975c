"""An enrolled clinic enrolls two more sites, signed in, through the API: one in an online county
goes to the staff queue and, approved, joins the organization with the next Site ID; one in a
Local CAIR Representative's county is routed to that representative. A request that names an
organization without being signed in to it is refused."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from cair.operations import enrollments
from cair.store.models import OrganizationRow, SiteRow
from tests.helpers.accounts import enrolled
from tests.helpers.examples import variant
from tests.helpers.mailbox import body_text
from tests.helpers.stack import Stack
from tests.helpers.staff import staff_session
from tests.helpers.waiting import eventually

DOMAIN = "new-sites.example"


def new_site(name: str, county: str, city: str, zip_code: str, **changes: Any) -> dict[str, Any]:
    return {
        "site_name": name,
        "county": county,
        "physical_address": {"line1": "77 Main St", "city": city, "state": "CA", "zip": zip_code},
        "receives_state_supplied_vaccine": False,
        "agreements": {"user_access_agreement": True, "patient_notice_acknowledged": True},
        **changes,
    }


async def test_a_clinic_enrolls_sites_in_two_counties_and_each_is_routed(stack: Stack) -> None:
    ctx = stack.context()
    try:
        account = await enrolled(stack, ctx, "clinic", "TwoSites", email_domain=DOMAIN)
        primary = variant("clinic", "TwoSites", email_domain=DOMAIN)["contacts"]["primary"]["email"]
        rep = {"Authorization": f"Bearer {account.session}"}
        reviewer = await staff_session(stack, ctx, "rae.sites@cair.test", "reviewer")
        staff = {"Authorization": f"Bearer {reviewer}"}
        path = f"/api/v1/organizations/{account.provider_id}/sites"
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
            # Filled in from the account: the organization's facts.
            facts = await api.get(f"{path}/new", headers=rep)
            assert facts.status_code == 200 and facts.json()["access_level"] == "clinical"

            # Every problem at once, named as sent.
            broken = await api.post(
                path, json=new_site("", "Atlantis", "Fresno", "10001", colour="red"), headers=rep
            )
            assert broken.status_code == 422, broken.text
            named = {p["field"] for p in broken.json()["errors"]}
            assert {"site_name", "county", "physical_address.zip", "colour"} <= named, named

            # An online county: the staff queue.
            fresno = await api.post(
                path, json=new_site("TwoSites Fresno", "Fresno", "Fresno", "93702"), headers=rep
            )
            assert fresno.status_code == 201, fresno.text
            assert fresno.json()["stage"] == "awaiting_review"
            queued = await api.get("/api/v1/staff/enrollments", headers=staff)
            assert fresno.json()["id"] in queued.text and "new site: TwoSites Fresno" in queued.text

            # A Local CAIR Representative's county: routed to them.
            san_diego = await api.post(
                path,
                json=new_site("TwoSites San Diego", "San Diego", "San Diego", "92101"),
                headers=rep,
            )
            assert san_diego.status_code == 201, san_diego.text
            assert san_diego.json()["stage"] == "routed_to_local_representative"
            notice = await eventually(
                lambda: [
                    m
                    for m in stack.outbox.about(san_diego.json()["id"])
                    if primary not in str(m["To"])
                ]
            )
            assert "San Diego" in body_text(notice[-1])

            # Nobody adds a site to an account they are not signed in to.
            stranger = variant("clinic", "Stranger", email_domain="stranger.example")
            stranger["new_site"] = {"provider_id": account.provider_id, "site_name": "Mine"}
            refused = await api.post("/api/v1/enrollments", json=stranger)
            assert refused.status_code == 422 and "signed in" in refused.text

        await enrollments.approve(ctx, fresno.json()["id"], by="Dana Staff")
        welcome = await eventually(lambda: stack.outbox.to(primary, "new site"), timeout=60)
        site_id = f"{account.provider_id}-02"
        assert site_id in str(welcome[-1]["Subject"]) and "Fresno" in body_text(welcome[-1])
        async with ctx.db.sessions() as session:
            orgs = (
                await session.scalars(
                    select(OrganizationRow).where(OrganizationRow.name.like("%TwoSites%"))
                )
            ).all()
            assert [o.provider_id for o in orgs] == [account.provider_id]  # no second one
            sites = (
                await session.scalars(
                    select(SiteRow)
                    .where(SiteRow.organization_id == orgs[0].id)
                    .order_by(SiteRow.id)
                )
            ).all()
        assert [(s.facility_id, s.county, s.region) for s in sites] == [
            (f"{account.provider_id}-01", "Alameda", "bay_area"),
            (site_id, "Fresno", "central_valley"),
        ]
        assert sites[1].name == "TwoSites Fresno"
        assert sites[1].enrollment_id == fresno.json()["id"]
    finally:
        await ctx.close()
