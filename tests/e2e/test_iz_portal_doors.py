"""The IZ Portal's two ways in, end to end with a real SOAP client (zeep, on the served WSDL):
a new Data Exchange organization whose IZ Portal enrollment is approved uses the staging
credentials of its welcome e-mail at once and goes on to production; an existing clinic that
entered doses by hand registers its own site and becomes Data Exchange once staff approve it."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from sqlalchemy import select

from cair.domain.account_changes import ChangeKind, ChangeStatus
from cair.domain.vxu_rules import region_code
from cair.operations import account_changes, data_exchange, dx_decisions, enrollments
from cair.store.models import AuditRow, CredentialRow, DxSiteRow, OrganizationRow, SiteRow
from tests.helpers.accounts import enrolled, sign_in
from tests.helpers.examples import variant
from tests.helpers.mailbox import body_text
from tests.helpers.paths import EXAMPLES
from tests.helpers.revealed import REVEALED_SECRETS
from tests.helpers.soap import PATIENTS, msa, submit
from tests.helpers.soap import soap as soap_service
from tests.helpers.stack import Stack
from tests.helpers.staff import staff_session
from tests.helpers.vxu import vxu
from tests.helpers.waiting import eventually


def soap(stack: Stack, environment: str) -> Any:
    return soap_service(stack.api_url, environment)


async def reveal(api: httpx.AsyncClient, text: str) -> tuple[str, str, str]:
    """Username, Site ID and password from an e-mail's credentials, revealed once."""
    username = re.search(r"Username:\s+(\S+)", text)
    site_id = re.search(r"(?:Site ID|Facility ID):\s+(\S+)", text)
    token = re.search(r"/credentials/reveal/(\S+)", text)
    assert username and site_id and token, text
    shown = await api.post("/api/v1/credentials/reveal", json={"token": token.group(1)})
    assert shown.status_code == 200, shown.text
    assert shown.json()["username"] == username.group(1)
    assert shown.json()["facility_id"] == site_id.group(1)
    REVEALED_SECRETS.append(shown.json()["secret"])
    return username.group(1), site_id.group(1), str(shown.json()["secret"])


def message(site_id: str, region: str, patient: str = "CAIRTEST001") -> str:
    """The example VXU as this site's EHR sends it."""
    return vxu(
        facility=site_id,
        responsible=site_id,
        dose_site=site_id,
        region=region,
        patient=f"{patient}^^^{site_id}^MR",
    )


async def to_production(
    stack: Stack, api: httpx.AsyncClient, staff: dict[str, str], site_id: str, region: str
) -> tuple[str, str]:
    """Staging credentials in hand: the test plan, staff approval, the production credentials'
    e-mail; returns the production username and password."""
    staging_user, staging_password = _staging[site_id]
    staging = soap(stack, "staging")
    no_vaccine = message(site_id, region).replace("|08^HEPB-PEDS^CVX|", "|^^CVX|")
    rejected = await submit(staging, staging_user, staging_password, site_id, no_vaccine)
    assert msa(rejected) == "AR", rejected  # the test plan's rejected case
    for n in range(10):
        answer = await submit(
            staging,
            staging_user,
            staging_password,
            site_id,
            message(site_id, region, PATIENTS[n % 3]),
        )
        assert msa(answer) == "AA", answer

    async def ready() -> bool:
        listed = await api.get(
            "/api/v1/staff/dx-sites", params={"stage": "ready_for_review"}, headers=staff
        )
        return site_id in [s["site_id"] for s in listed.json()]

    await eventually(ready, timeout=60)
    approved = await api.post(f"/api/v1/staff/dx-sites/{site_id}/approve", headers=staff)
    assert approved.status_code == 200, approved.text
    mail = await eventually(
        lambda: stack.outbox.to("", f"production credentials for site {site_id}"), timeout=60
    )
    username, shown_site, password = await reveal(api, body_text(mail[-1]))
    assert shown_site == site_id
    return username, password


_staging: dict[str, tuple[str, str]] = {}


async def test_a_new_data_exchange_organization_enrolls_at_the_iz_portal(stack: Stack) -> None:
    ctx = stack.context()
    try:
        data = variant("data-exchange", "DoorDx", email_domain="door-dx.example")
        rep = data["contacts"]["primary"]["email"]
        submitted = await enrollments.submit(ctx, data)
        assert submitted.stage == "awaiting_review", submitted.note
        # Staff review it in the same queue as any enrollment.
        reviewer = await staff_session(stack, ctx, "rae.door@cair.test", "reviewer")
        staff = {"Authorization": f"Bearer {reviewer}"}
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
            queue = await api.get("/api/v1/staff/enrollments", headers=staff)
            assert submitted.id in queue.text
            await enrollments.approve(ctx, submitted.id, by="Dana Staff")

            welcome = await eventually(lambda: stack.outbox.to(rep, "Welcome to CAIR"), timeout=60)
            text = body_text(welcome[-1])
            assert "the way to production" in text and "/dx-sites/new" in text
            assert "staging credentials" in text
            username, site_id, password = await reveal(api, text)
            provider_id = site_id.split("-")[0]
            assert site_id == f"{provider_id}-01" and username == f"{site_id.lower()}-staging"

            # The credentials open the staging endpoint at once, for the example VXU.
            region = region_code("central_valley")
            staging = soap(stack, "staging")
            answer = await submit(staging, username, password, site_id, message(site_id, region))
            assert msa(answer) == "AA", answer
            _staging[site_id] = (username, password)

            # The organization's first site is its data-exchange site: one Site ID.
            async with ctx.db.sessions() as session:
                org = await session.scalar(
                    select(OrganizationRow).where(OrganizationRow.provider_id == provider_id)
                )
                assert org is not None and org.access_level == "data_exchange"
                sites = (
                    await session.scalars(select(SiteRow).where(SiteRow.organization_id == org.id))
                ).all()
                assert [s.facility_id for s in sites] == [site_id]
                dx = await session.scalar(select(DxSiteRow).where(DxSiteRow.site_id == site_id))
                assert dx is not None and dx.site_row_id == sites[0].id
                assert dx.registration["ehr"]["name"] == "OpenClinic EHR"
                held = (
                    await session.scalars(
                        select(CredentialRow).where(CredentialRow.organization_id == org.id)
                    )
                ).all()
                assert [(c.environment, c.dx_site_id) for c in held] == [("staging", dx.id)]

            # ... and on to production, as any site.
            live_user, live_password = await to_production(stack, api, staff, site_id, region)
            production = soap(stack, "production")
            answer = await submit(
                production, live_user, live_password, site_id, message(site_id, region)
            )
            assert msa(answer) == "AA", answer
            await eventually(lambda: stack.outbox.to(rep, "is live"), timeout=60)
    finally:
        await ctx.close()


async def test_an_existing_clinic_registers_its_site_and_becomes_data_exchange(
    stack: Stack,
) -> None:
    ctx = stack.context()
    try:
        account = await enrolled(stack, ctx, "clinic", "DoorClinic", email_domain="door-cl.example")
        clinic = variant("clinic", "DoorClinic", email_domain="door-cl.example")
        reviewer = await staff_session(stack, ctx, "rae.clinic@cair.test", "reviewer")
        staff = {"Authorization": f"Bearer {reviewer}"}
        rep = {"Authorization": f"Bearer {account.session}"}
        address = clinic["organization"]["physical_address"]
        county = clinic["organization"]["county"]
        registration = {
            "site_name": clinic["organization"]["name"],
            "county": county,
            "physical_address": {k: v for k, v in address.items() if v is not None},
            "clinical": True,
            "lead_clinician": {
                "first_name": "Ana",
                "last_name": "Lee",
                "license_number": "A123456",
            },
            "site_contact": clinic["contacts"]["primary"],
            "ehr": {
                "name": "OpenClinic EHR",
                "version": "12.4",
                "vendor": "OpenClinic Systems",
                "certified": True,
                "hl7_capable": True,
            },
            "exchange_contact": clinic["contacts"]["primary"],
            "role": 1,
            "agreement": {
                "accepted": True,
                "representative_name": "Jo Kim",
                "representative_title": "Office Manager",
            },
        }
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
            answer = await api.post(
                f"/api/v1/organizations/{account.provider_id}/dx-sites",
                json=registration,
                headers=rep,
            )
            assert answer.status_code == 201, answer.text
            # Its own site, under the Site ID it already has: no second id.
            site_id = answer.json()["site_id"]
            assert site_id == f"{account.provider_id}-01"
            mail = await eventually(
                lambda: stack.outbox.to("", f"staging credentials for site {site_id}"), timeout=60
            )
            username, shown_site, password = await reveal(api, body_text(mail[-1]))
            assert shown_site == site_id
            _staging[site_id] = (username, password)
            async with ctx.db.sessions() as session:
                org = await session.scalar(
                    select(OrganizationRow).where(
                        OrganizationRow.provider_id == account.provider_id
                    )
                )
                assert org is not None and org.access_level == "clinical"
                region = region_code(org.region)

            live_user, live_password = await to_production(stack, api, staff, site_id, region)
            answer_live = await submit(
                soap(stack, "production"),
                live_user,
                live_password,
                site_id,
                message(site_id, region),
            )
            assert msa(answer_live) == "AA", answer_live
            async with ctx.db.sessions() as session:
                org = await session.scalar(
                    select(OrganizationRow).where(
                        OrganizationRow.provider_id == account.provider_id
                    )
                )
                assert org is not None and org.access_level == "data_exchange"
                changed = await session.scalar(
                    select(AuditRow).where(
                        AuditRow.provider_id == account.provider_id,
                        AuditRow.action == "organization.access_level_changed",
                    )
                )
                assert changed is not None and changed.new_value == {
                    "access_level": "data_exchange",
                    "site_id": site_id,
                }
            # Its account knows: a DX QA user, refused to a Clinical organization, is taken (and
            # waits for staff, as every grant above Read-Only).
            qa = {
                "first_name": "Quinn",
                "last_name": "Alvarez",
                "email": "quinn@door-cl.example",
                "role": "dx_qa",
            }
            added = await api.post(
                f"/api/v1/organizations/{account.provider_id}/users", json=qa, headers=rep
            )
            assert added.status_code in (200, 201, 202), added.text
            assert added.json()["status"] == "awaiting_approval", added.json()  # like any grant
    finally:
        await ctx.close()


async def test_credentials_go_to_whoever_is_responsible_when_the_mail_goes(stack: Stack) -> None:
    """A site registered by a representative who is removed afterwards: its re-issued
    credentials go to the primary contact, never to the removed representative."""
    ctx = stack.context()
    try:
        domain = "door-holder.example"
        account = await enrolled(stack, ctx, "data-exchange", "DoorHolder", email_domain=domain)
        tom = f"tbecker@{domain}"
        named = await account_changes.user_change(
            ctx, account.who, ChangeKind.NAME_REPRESENTATIVE, account.users[tom]
        )
        assert named.status == ChangeStatus.APPLIED, named.message
        tom_session = await sign_in(stack, ctx, account.provider_id, tom)
        data = json.loads(
            (EXAMPLES / "dx-site-registration.json")
            .read_text()
            .replace("@valleychc.example", f"@{domain}")
        )
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
            answer = await api.post(
                f"/api/v1/organizations/{account.provider_id}/dx-sites",
                json=data,
                headers={"Authorization": f"Bearer {tom_session}"},
            )
            assert answer.status_code == 201, answer.text
            site_id = answer.json()["site_id"]
            assert answer.json()["credentials_sent_to"] == tom
        subject = f"staging credentials for site {site_id}"
        first = await eventually(lambda: stack.outbox.to(tom, subject), timeout=60)
        unopened = re.search(r"/credentials/reveal/(\S+)", body_text(first[-1]))
        assert unopened

        removed = await account_changes.remove_representative(ctx, account.who, tom)
        assert removed.status == ChangeStatus.APPLIED, removed.message
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as api:
            # What was sent to Tom and not yet opened no longer opens.
            late = await api.post("/api/v1/credentials/reveal", json={"token": unopened.group(1)})
            assert late.status_code in (404, 409, 410), late.text
        await dx_decisions.reissue_by(ctx, site_id, "staging", by="Dana Staff")
        primary = f"pnair@{domain}"
        reissued = await eventually(lambda: stack.outbox.to(primary, subject), timeout=60)
        assert "/credentials/reveal/" in body_text(reissued[-1])
        assert len(stack.outbox.to(tom, subject)) == 1  # the first only
        view = await data_exchange.site_of(ctx, account.provider_id, site_id)
        assert view.credentials_sent_to == primary
    finally:
        await ctx.close()
