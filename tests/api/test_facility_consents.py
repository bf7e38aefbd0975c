"""Sending Facility consent through the API and the account pages, on the running stack: a
Data Exchange organization's role 2 site names another organization's Sending Facility; both
see the request pending; only the facility's representatives decide (the API, then the page's
form with its CSRF token); each decision is in both organizations' audit."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from cair.store import audit
from tests.helpers.iz_portal import Portal, opened
from tests.helpers.paths import EXAMPLES
from tests.helpers.stack import Stack


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def portals(stack: Stack) -> AsyncIterator[tuple[Portal, Portal]]:
    async with (
        opened(stack, "ConsentHub", "consent-hub.example", "rae.hub@cair.test") as hub,
        opened(stack, "ConsentClinic", "consent-clinic.example", "rae.clinic@cair.test") as clinic,
    ):
        yield hub, clinic


async def _register(portal: Portal, domain: str, name: str, **changes: Any) -> str:
    text = (EXAMPLES / "dx-site-registration.json").read_text()
    data = json.loads(text.replace("@valleychc.example", f"@{domain}"))
    data |= {"site_name": name, **changes}
    answer = await portal.api.post(
        f"/api/v1/organizations/{portal.provider_id}/dx-sites", json=data, headers=portal.rep
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["site_id"])


async def _consents(portal: Portal) -> dict[str, Any]:
    answer = await portal.api.get(
        f"/api/v1/organizations/{portal.provider_id}/facility-consents", headers=portal.rep
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def _audit(portal: Portal) -> list[str]:
    """The organization's audit as the store keeps it, oldest first."""
    ctx = portal.stack.context()
    try:
        async with ctx.db.sessions() as session:
            entries = await audit.of_organization(session, portal.provider_id)
    finally:
        await ctx.close()
    return [e.action for e in entries if e.action.startswith("facility_consent.")]


def _session(portal: Portal) -> str:
    return portal.rep["Authorization"].removeprefix("Bearer ")


async def test_the_facility_decides_and_both_organizations_see_it(
    stack: Stack, portals: tuple[Portal, Portal]
) -> None:
    hub, clinic = portals
    facility = await _register(hub, "consent-hub.example", "Consent Hub Facility", role=3)
    client = await _register(
        clinic,
        "consent-clinic.example",
        "Clinic Through The Hub",
        role=2,
        sending_facility_id=facility,
    )
    asked = await _consents(clinic)
    assert [(c["client_site_id"], c["facility_site_id"], c["state"]) for c in asked["asked"]] == [
        (client, facility, "pending")
    ]
    assert asked["to_decide"] == []
    to_decide = (await _consents(hub))["to_decide"]
    assert [(c["client_site_id"], c["client_provider_id"], c["state"]) for c in to_decide] == [
        (client, clinic.provider_id, "pending")
    ]

    # The client's own representative cannot accept it, nor can the hub's decide an unknown site.
    itself = await clinic.api.post(
        f"/api/v1/organizations/{clinic.provider_id}/facility-consents/{client}/accept",
        headers=clinic.rep,
    )
    assert itself.status_code == 404, itself.text
    unknown = await hub.api.post(
        f"/api/v1/organizations/{hub.provider_id}/facility-consents/CA999999-01/accept",
        headers=hub.rep,
    )
    assert unknown.status_code == 404 and "site_id" in unknown.text
    assert (await _consents(clinic))["asked"][0]["state"] == "pending"

    accepted = await hub.api.post(
        f"/api/v1/organizations/{hub.provider_id}/facility-consents/{client}/accept",
        headers=hub.rep,
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted"
    assert accepted.json()["decided_by"].endswith("@consent-hub.example")
    assert (await _consents(clinic))["asked"][0]["state"] == "accepted"
    assert await _audit(hub) == ["facility_consent.accepted"]
    assert await _audit(clinic) == ["facility_consent.accepted"]

    # The page: the hub's representative refuses with the form (its CSRF token), and the
    # clinic's page says so.
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as browser:
        browser.cookies.set("cair_session", _session(hub))
        page = await browser.get(f"/account/{hub.provider_id}/dx-sites")
        assert page.status_code == 200 and client in page.text
        action = f"/account/{hub.provider_id}/facility-consents/{client}/refuse"
        assert action in page.text
        assert f"/facility-consents/{client}/accept" not in page.text  # accepted already
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        refused = await browser.post(action, data={"csrf_token": token.group(1)})
        assert refused.status_code == 303, refused.text
        forged = await browser.post(action.replace("refuse", "accept"), data={})
        assert forged.status_code == 403  # no token: nothing changes
    assert (await _consents(clinic))["asked"][0]["state"] == "refused"
    assert await _audit(clinic) == ["facility_consent.accepted", "facility_consent.refused"]
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as browser:
        browser.cookies.set("cair_session", _session(clinic))
        page = await browser.get(f"/account/{clinic.provider_id}/dx-sites")
        assert page.status_code == 200
        shown = page.text.replace("&#39;", "'").replace("&#x27;", "'")
        assert "Sending Facility's consent" in shown, shown
        assert "Refused by the Sending Facility's organization" in shown
