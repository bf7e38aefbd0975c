"""A role 2 site of one organization that names another organization's Sending Facility waits
for that organization's consent, on a real SQLite store: until accepted the facility may not
send for it and its own messages (VXU and QBP) are answered AR with the consent check; the
facility's representatives accept or refuse, each decision audited on both organizations; a
site naming its own organization's facility needs nobody's consent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select

from cair.domain.contracts.data_exchange import DxEnvironment
from cair.operations import dx_messages, facility_consents
from cair.operations.context import Context
from cair.operations.errors import NotFound
from cair.operations.sessions import Representative
from cair.security.secret_hashing import hash_secret
from cair.settings import Settings
from cair.store import dx_sites
from cair.store.migrate import migrate_database
from cair.store.models import (
    AuditRow,
    CredentialRow,
    DxFacilityConsentRow,
    DxMessageRow,
    DxSiteRow,
    EnrollmentRequestRow,
    OrganizationRow,
)
from tests.helpers.qbp import qbp
from tests.helpers.vxu import vxu

FACILITY, OWN_CLIENT, STRANGER = "CA100001-01", "CA100001-02", "CA100002-01"
REGION = "CAIRCV"  # MSH-6 of a site in the Central Valley
PASSWORD = "the stranger's staging password"


@dataclass
class Registry:
    ctx: Context
    a: Representative  # the facility's organization
    b: Representative  # the stranger's


@pytest_asyncio.fixture(loop_scope="session")
async def registry(tmp_path: Path) -> AsyncIterator[Registry]:
    settings = Settings(_env_file=None, var_dir=tmp_path, dx_sign_on_cache_seconds=0)
    await migrate_database(settings)
    ctx = Context(settings)
    async with ctx.db.sessions.begin() as session:
        orgs = {}
        for n, provider in enumerate(("CA100001", "CA100002"), 1):
            common = {"county": "Fresno", "region": "central_valley"}
            common |= {"org_type": "healthcare_provider", "access_level": "data_exchange"}
            session.add(
                EnrollmentRequestRow(
                    id=f"EN{n}", stage="completed", org_name=f"Org {n}", request={}, **common
                )
            )
            await session.flush()
            org = OrganizationRow(
                provider_id=provider,
                enrollment_id=f"EN{n}",
                name=f"Org {n}",
                contacts={},
                info={},
                **common,
            )
            session.add(org)
            await session.flush()
            orgs[provider] = org.id
        for site_id, org_id, role, facility in (
            (FACILITY, orgs["CA100001"], 3, FACILITY),
            (OWN_CLIENT, orgs["CA100001"], 2, FACILITY),
            (STRANGER, orgs["CA100002"], 2, FACILITY),
        ):
            session.add(_site(site_id, org_id, role, facility))
        await session.flush()
        stranger = await dx_sites.by_site_id(session, STRANGER)
        assert stranger is not None
        session.add(
            CredentialRow(
                organization_id=orgs["CA100002"],
                issue_key="stranger/staging",
                username="ca100002-01-staging",
                facility_id=STRANGER,
                secret_hash=hash_secret(PASSWORD),
                issued_by="test",
                dx_site_id=stranger.id,
                environment="staging",
            )
        )
    try:
        yield Registry(
            ctx,
            Representative(1, "CA100001", "rep@facility.example"),
            Representative(2, "CA100002", "rep@stranger.example"),
        )
    finally:
        await ctx.close()


def _site(site_id: str, org_id: int, role: int, facility: str) -> DxSiteRow:
    return DxSiteRow(
        organization_id=org_id,
        site_id=site_id,
        registration_key=f"key/{site_id}",
        role=role,
        sending_facility_id=facility,
        site_name=f"Site {site_id}",
        county="Fresno",
        region="central_valley",
        registration={},
        stage="ready_for_review",  # no onboarding to nudge
        registered_by="rep@example.test",
        representative_id=1,
    )


async def _send(registry: Registry, text: str) -> str:
    answer = await dx_messages.receive(
        registry.ctx,
        DxEnvironment.STAGING,
        username="ca100002-01-staging",
        password=PASSWORD,
        facility_id=STRANGER,
        hl7_message=text,
    )
    return answer.ack


def _stranger_vxu() -> str:
    # MSH-4 its Sending Facility, MSH-22 and RXA-11.4 the site itself (role 2).
    return vxu(facility=FACILITY, region=REGION).replace("S100234", STRANGER)


async def _clients(registry: Registry) -> set[str]:
    async with registry.ctx.db.sessions() as session:
        return await dx_sites.client_sites(session, FACILITY)


async def _audit(registry: Registry) -> list[tuple[str | None, str, str]]:
    async with registry.ctx.db.sessions() as session:
        rows = await session.execute(
            select(AuditRow.provider_id, AuditRow.action, AuditRow.subject_id)
            .where(AuditRow.action.like("facility_consent.%"))
            .order_by(AuditRow.id)
        )
        return [(p, a, s) for p, a, s in rows.all()]


async def test_a_stranger_waits_for_the_facility_and_is_refused_until_accepted(
    registry: Registry,
) -> None:
    # Its own organization's site is a client at once; the stranger's is not.
    assert await _clients(registry) == {OWN_CLIENT}
    consents = await facility_consents.of_organization(registry.ctx, "CA100001")
    assert [(c.client_site_id, c.state) for c in consents.to_decide] == [(STRANGER, "pending")]
    assert consents.asked == []
    asked = (await facility_consents.of_organization(registry.ctx, "CA100002")).asked
    assert [(c.facility_site_id, c.state) for c in asked] == [(FACILITY, "pending")]

    # The stranger's own messages naming the facility: AR, the consent named.
    ack = await _send(registry, _stranger_vxu())
    assert "|AR|" in ack and f"SENDING FACILITY '{FACILITY}' HAS NOT ACCEPTED" in ack
    query = await _send(
        registry, qbp(facility=FACILITY, region=REGION).replace("S100234", STRANGER)
    )
    assert "QBP-MSH4-CONSENT" in query
    async with registry.ctx.db.sessions() as session:
        kept = (await session.scalars(select(DxMessageRow).order_by(DxMessageRow.id))).all()
    assert [m.ack_code for m in kept] == ["AR", "AR"]
    assert any(f["check"] == "VXU-MSH4-CONSENT" for f in kept[0].findings)

    # Only the facility's organization decides; the stranger cannot accept itself.
    with pytest.raises(NotFound, match="site_id"):
        await facility_consents.decide(registry.ctx, registry.b, STRANGER, accept=True)
    with pytest.raises(NotFound, match="site_id"):
        await facility_consents.decide(registry.ctx, registry.a, OWN_CLIENT, accept=True)
    assert await _audit(registry) == []

    done = await facility_consents.decide(registry.ctx, registry.a, STRANGER, accept=True)
    assert (done.state, done.decided_by) == ("accepted", "rep@facility.example")
    assert await _clients(registry) == {OWN_CLIENT, STRANGER}
    ack = await _send(registry, _stranger_vxu())
    assert "|AA|" in ack and "HAS NOT ACCEPTED" not in ack
    both = [
        ("CA100001", "facility_consent.accepted", STRANGER),
        ("CA100002", "facility_consent.accepted", STRANGER),
    ]
    assert await _audit(registry) == both
    # The same decision again changes nothing, and is not audited again.
    await facility_consents.decide(registry.ctx, registry.a, STRANGER, accept=True)
    assert await _audit(registry) == both


async def test_a_refusal_stops_the_site_and_a_facility_of_its_own_needs_no_consent(
    registry: Registry,
) -> None:
    await facility_consents.decide(registry.ctx, registry.a, STRANGER, accept=True)
    refused = await facility_consents.decide(registry.ctx, registry.a, STRANGER, accept=False)
    assert refused.state == "refused" and "Refused" in refused.state_words
    assert await _clients(registry) == {OWN_CLIENT}
    ack = await _send(registry, _stranger_vxu())
    assert "|AR|" in ack and "HAS NOT ACCEPTED" in ack
    assert [a[1] for a in await _audit(registry)] == [
        "facility_consent.accepted",
        "facility_consent.accepted",
        "facility_consent.refused",
        "facility_consent.refused",
    ]
    asked = (await facility_consents.of_organization(registry.ctx, "CA100002")).asked
    # The asking organization reads who decided as an organization, not a stranger's address.
    assert [(c.state, c.decided_by) for c in asked] == [
        ("refused", "the Sending Facility's organization, CA100001")
    ]
    async with registry.ctx.db.sessions() as session:
        decisions = (await session.scalars(select(DxFacilityConsentRow))).all()
        own = await dx_sites.by_site_id(session, OWN_CLIENT)
        assert own is not None
        sender = await dx_messages._sender(registry.ctx, own, DxEnvironment.STAGING)
    assert len(decisions) == 1  # one decision per site and facility, the latest
    assert sender.facility_consented  # its own organization's facility
    # In production, only clients staff approved for production count, consent or not.
    async with registry.ctx.db.sessions() as session:
        live = await dx_sites.client_sites(session, FACILITY, stages=("live",))
    assert live == set()
