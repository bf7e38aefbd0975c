"""The IZ Portal end to end on the running stack: a Data Exchange organization's representative
registers sites through the API; a real SOAP client (zeep, reading the served WSDL) calls
connectivityTest and submitSingleMessage on /iis/staging with the e-mailed credentials, valid and
broken VXUs for site roles 1, 2 and 3; the onboarding workflow reaches review; staff approve;
production credentials work on /iis/production only; the site goes live. Message bodies reach
neither the database nor the workflow history."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select
from zeep.exceptions import Fault

from cair.domain import ids
from cair.domain.contracts.data_exchange import DxEnvironment
from cair.operations import dx_messages
from cair.operations.errors import TooManyRequests
from cair.store.models import CredentialRow, DxMessageRow, DxSiteRow
from tests.helpers.accounts import sign_in_token
from tests.helpers.iz_portal import Portal, opened
from tests.helpers.mailbox import body_text
from tests.helpers.paths import EXAMPLES
from tests.helpers.revealed import REVEALED_SECRETS
from tests.helpers.soap import PATIENTS, msa, submit
from tests.helpers.soap import soap as soap_service
from tests.helpers.stack import Stack
from tests.helpers.vxu import vxu
from tests.helpers.waiting import eventually

DOMAIN = "iz-portal.example"
REP = f"pnair@{DOMAIN}"
EXCHANGE = f"tbecker@{DOMAIN}"
WRONG_VERSION = "INVALID VERSION ID. MUST BE '2.5.1'"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def portal(stack: Stack) -> AsyncIterator[Portal]:
    async with opened(stack, "IzPortal", DOMAIN, "rae.iz@cair.test") as shared:
        yield shared


def registration(name: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "dx-site-registration.json").read_text())
    text = json.dumps(data).replace("@valleychc.example", f"@{DOMAIN}")
    data = json.loads(text)
    data["site_name"] = name
    data.update(changes)
    return data


async def register(portal: Portal, name: str, **changes: Any) -> str:
    answer = await portal.api.post(
        f"/api/v1/organizations/{portal.provider_id}/dx-sites",
        json=registration(name, **changes),
        headers=portal.rep,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["stage"] in ("registered", "staging_credentials_issued")
    return str(answer.json()["site_id"])


async def credentials(portal: Portal, site_id: str, environment: str) -> tuple[str, str]:
    """The username and password of the e-mailed credentials, revealed once through the API."""
    subject = f"{environment} credentials for site {site_id}"
    mail = (await eventually(lambda: portal.stack.outbox.to(REP, subject), timeout=60))[-1]
    assert not mail["Cc"]  # a password link goes to the representative alone
    text = body_text(mail)
    username = re.search(r"Username:\s+(\S+)", text)
    token = re.search(r"/credentials/reveal/(\S+)", text)
    assert username and token, text
    shown = await portal.api.post("/api/v1/credentials/reveal", json={"token": token.group(1)})
    assert shown.status_code == 200, shown.text
    again = await portal.api.post("/api/v1/credentials/reveal", json={"token": token.group(1)})
    assert again.status_code != 200  # shown once
    assert shown.json()["username"] == username.group(1)
    assert shown.json()["facility_id"] == site_id
    REVEALED_SECRETS.append(shown.json()["secret"])
    return username.group(1), str(shown.json()["secret"])


def soap(portal: Portal, environment: str) -> Any:
    return soap_service(portal.stack.api_url, environment)


async def site(portal: Portal, site_id: str) -> dict[str, Any]:
    answer = await portal.api.get(
        f"/api/v1/organizations/{portal.provider_id}/dx-sites/{site_id}", headers=portal.rep
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def stage(portal: Portal, site_id: str, wanted: str) -> None:
    async def reached() -> bool:
        return bool((await site(portal, site_id))["stage"] == wanted)

    await eventually(reached, timeout=60)


async def test_a_direct_site_goes_from_registration_to_live(portal: Portal) -> None:
    site_id = await register(portal, "Oakland Direct")
    username, password = await credentials(portal, site_id, "staging")
    staging = soap(portal, "staging")
    assert await asyncio.to_thread(staging.connectivityTest, echoBack="ping") == "ping"

    def message(**fields: Any) -> str:
        """A VXU of this site, with ``fields`` changed."""
        given = {"facility": site_id, "responsible": site_id, "dose_site": site_id, **fields}
        return vxu(**given).replace("S100234", site_id)

    # Each rule broken on its own is answered with the field named; nothing is accepted.
    broken = {
        "INVALID PROCESSING ID. MUST BE 'P'": message(processing="T"),
        "MESSAGE REJECTED - REQUIRED FIELD PID-3-5 MISSING": message(patient="CAIRTEST001"),
        WRONG_VERSION: message(version="2.3.1"),
        "INVALID RECEIVING FACILITY. MUST BE 'CAIRBA'": message(region="CAIRLA"),
        "INVALID SENDING FACILITY": message(facility="S999999"),
        "ADMINISTERED-AT LOCATION": message(dose_site="S999999"),
    }
    answers = {}
    for words, text in broken.items():
        answer = answers[words] = await submit(staging, username, password, site_id, text)
        assert msa(answer) == "AR" and words in answer, (words, answer)
    # The same message again (its control id sent before): the first ACK, not counted again.
    repeated = await submit(staging, username, password, site_id, broken[WRONG_VERSION])
    assert repeated == answers[WRONG_VERSION]
    warned = await submit(staging, username, password, site_id, message(npi="1234567890"))
    assert msa(warned) == "AE" and "ORDERING PROVIDER NPI INVALID" in warned
    await stage(portal, site_id, "testing")
    assert (await site(portal, site_id))["still_needed"]

    # The wrong environment's credentials, a wrong password, another facility: refused.
    production = soap(portal, "production")
    for service, user, secret, facility in (
        (production, username, password, site_id),
        (staging, username, password + "x", site_id),
        (staging, username, password, "S999999"),
    ):
        with pytest.raises(Fault, match="not credentials of the"):
            await submit(service, user, secret, facility, message())

    # The test plan: its rejected case (a VXU without its vaccine, answered AR), then ten
    # accepted VXUs covering the three test patients, no AR in the last five.
    assert any(
        "without its vaccine code" in n for n in (await site(portal, site_id))["still_needed"]
    )
    rejected = await submit(staging, username, password, site_id, message(vaccine="^^CVX"))
    assert msa(rejected) == "AR" and "RXA-5 (VACCINE CODE) MISSING" in rejected
    for n in range(10):
        patient = f"{PATIENTS[n % 3]}^^^{site_id}^MR"
        answer = await submit(staging, username, password, site_id, message(patient=patient))
        assert msa(answer) == "AA", answer
    await stage(portal, site_id, "ready_for_review")
    await eventually(
        lambda: portal.stack.outbox.to("", f"Review for production: data exchange site {site_id}")
    )

    queue = await portal.api.get(
        "/api/v1/staff/dx-sites", params={"stage": "ready_for_review"}, headers=portal.staff
    )
    assert site_id in [s["site_id"] for s in queue.json()]
    refused = await portal.api.post(f"/api/v1/staff/dx-sites/{site_id}/approve", headers=portal.rep)
    assert refused.status_code in (401, 403)
    reissue = await portal.api.post(
        f"/api/v1/staff/dx-sites/{site_id}/credentials/staging", headers=portal.staff
    )
    assert reissue.status_code == 403  # a reviewer decides; only an admin re-issues
    approved = await portal.api.post(
        f"/api/v1/staff/dx-sites/{site_id}/approve", headers=portal.staff
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["stage"] == "production_credentials_issued"
    again = await portal.api.post(f"/api/v1/staff/dx-sites/{site_id}/approve", headers=portal.staff)
    assert again.status_code == 409 and "not ready for review" in again.json()["detail"]

    live_user, live_password = await credentials(portal, site_id, "production")
    with pytest.raises(Fault, match="not credentials of the"):
        await submit(staging, live_user, live_password, site_id, message())
    answer = await submit(production, live_user, live_password, site_id, message())
    assert msa(answer) == "AA"
    await stage(portal, site_id, "live")
    await eventually(
        lambda: (
            portal.stack.outbox.to(REP, f"site {site_id}")
            and portal.stack.outbox.to(REP, "is live")
        )
    )

    # What was kept: outcomes, never a message; the history knows counts, not patients.
    ctx = portal.stack.context()
    try:
        async with ctx.db.sessions() as session:
            row = await session.scalar(select(DxSiteRow).where(DxSiteRow.site_id == site_id))
            assert row is not None
            kept = (
                await session.scalars(select(DxMessageRow).where(DxMessageRow.dx_site_id == row.id))
            ).all()
            creds = (
                await session.scalars(
                    select(CredentialRow).where(CredentialRow.dx_site_id == row.id)
                )
            ).all()
        assert len(kept) == 6 + 1 + 1 + 10 + 1
        assert {m.environment for m in kept} == {"staging", "production"}
        assert "TESTPATIENT" not in json.dumps([m.findings for m in kept])
        assert sorted((c.environment, c.active) for c in creds) == [
            ("production", True),
            ("staging", True),
        ]
        assert all(c.sealed_secret is None for c in creds)  # both revealed, then wiped
        history = (
            await (await ctx.temporal())
            .get_workflow_handle(ids.dx_onboarding_workflow_id(site_id))
            .fetch_history()
        )
        dumped = history.to_json()
        assert "TESTPATIENT" not in dumped and "CAIRTEST001" not in dumped
        assert password not in dumped and live_password not in dumped
    finally:
        await ctx.close()


async def test_a_sending_facility_sends_for_its_client_sites(portal: Portal) -> None:
    facility = await register(portal, "Valley HIE Sending Facility", role=3)
    assert re.fullmatch(r"CA\d{6}-\d{2}", facility)  # a Sending Facility is a site too
    client = await register(portal, "Fresno Through the HIE", role=2, sending_facility_id=facility)
    f_user, f_password = await credentials(portal, facility, "staging")
    c_user, c_password = await credentials(portal, client, "staging")
    staging = soap(portal, "staging")

    def message(*, responsible: str, dose_site: str, sender: str) -> str:
        return vxu(facility=sender, responsible=responsible, dose_site=dose_site)

    # Role 3: MSH-4 is the facility, MSH-22 and RXA-11.4 a client site it sends for.
    ok = message(sender=facility, responsible=client, dose_site=client)
    assert msa(await submit(staging, f_user, f_password, facility, ok)) == "AA"
    stranger = message(sender=facility, responsible="S999999", dose_site="S999999")
    answer = await submit(staging, f_user, f_password, facility, stranger)
    assert msa(answer) == "AR" and "CLIENT SITE OF THIS SENDING FACILITY" in answer
    # Role 2: MSH-4 is its Sending Facility, MSH-22 and RXA-11.4 the site itself.
    own = message(sender=facility, responsible=client, dose_site=client)
    assert msa(await submit(staging, c_user, c_password, client, own)) == "AA"
    wrong = message(sender=client, responsible=client, dose_site=client)
    answer = await submit(staging, c_user, c_password, client, wrong)
    assert msa(answer) == "AR" and f"MUST BE '{facility}'" in answer

    # The same site twice (another request, same name and street address) is refused by name.
    again = await portal.api.post(
        f"/api/v1/organizations/{portal.provider_id}/dx-sites",
        json=registration("Fresno Through the HIE", role=2, sending_facility_id=facility),
        headers={**portal.rep, "Idempotency-Key": "another-request"},
    )
    assert again.status_code == 422 and f"registered already, as {client}" in again.text

    # A role 2 site must name a registered Sending Facility.
    unknown = await portal.api.post(
        f"/api/v1/organizations/{portal.provider_id}/dx-sites",
        json=registration("Nowhere", role=2, sending_facility_id="SF-999999"),
        headers=portal.rep,
    )
    assert unknown.status_code == 422
    assert "sending_facility_id" in unknown.text and "not a registered" in unknown.text


async def test_staff_send_a_site_back_and_the_plan_counts_anew(portal: Portal) -> None:
    site_id = await register(portal, "Oakland Send Back")
    username, password = await credentials(portal, site_id, "staging")
    staging = soap(portal, "staging")
    ours: dict[str, Any] = {"facility": site_id, "responsible": site_id, "dose_site": site_id}
    no_vaccine = vxu(**ours, vaccine="^^CVX")  # the plan's rejected case
    assert msa(await submit(staging, username, password, site_id, no_vaccine)) == "AR"
    for n in range(10):
        patient = f"{PATIENTS[n % 3]}^^^{site_id}^MR"
        text = vxu(**ours, patient=patient)
        assert msa(await submit(staging, username, password, site_id, text)) == "AA"
    await stage(portal, site_id, "ready_for_review")
    empty = await portal.api.post(
        f"/api/v1/staff/dx-sites/{site_id}/send-back", json={"message": " "}, headers=portal.staff
    )
    assert empty.status_code == 422
    back = await portal.api.post(
        f"/api/v1/staff/dx-sites/{site_id}/send-back",
        json={"message": "Send doses with lot numbers (RXA-15)."},
        headers=portal.staff,
    )
    assert back.status_code == 200, back.text
    assert back.json()["stage"] == "testing"
    mail = await eventually(lambda: portal.stack.outbox.to(REP, "needs more testing"))
    assert "lot numbers" in body_text(mail[-1])
    assert EXCHANGE in str(mail[-1]["Cc"])  # the data exchange contact hears of it too
    shown = await site(portal, site_id)
    assert shown["stage_note"] == "Send doses with lot numbers (RXA-15)."
    assert any("more accepted VXUs" in n for n in shown["still_needed"])
    assert any("without its vaccine code" in n for n in shown["still_needed"])  # counts anew


async def test_the_cli_registers_sends_and_reviews(
    portal: Portal, staff_cli: Path, tmp_path: Path
) -> None:
    stack, rep = portal.stack, tmp_path / "rep"
    ctx = stack.context()
    try:
        token = await sign_in_token(stack, ctx, portal.provider_id, REP)
    finally:
        await ctx.close()
    stack.cli("account", "redeem", token, config=rep)
    request = tmp_path / "site.json"
    # The organization has five registered sites by now (its first among them): a sixth goes
    # under its main site.
    main_site = f"{portal.provider_id}-01"
    request.write_text(json.dumps(registration("Oakland From The CLI", main_site_id=main_site)))
    shown = stack.cli("dx", "register", str(request), config=rep).stdout
    found = re.match(r"(CA\d{6}-\d{2})\s", shown)
    assert found and "Staging credentials follow by e-mail" in shown, shown
    site_id = found.group(1)
    mail = await eventually(lambda: stack.outbox.to(REP, f"staging credentials for site {site_id}"))
    link = re.search(r"/credentials/reveal/(\S+)", body_text(mail[-1]))
    assert link
    revealed = json.loads(stack.cli("credentials", "reveal", link.group(1)).stdout)
    REVEALED_SECRETS.append(revealed["secret"])
    good, bad = tmp_path / "vxu.hl7", tmp_path / "broken.hl7"
    good.write_text(vxu(facility=site_id, responsible=site_id, dose_site=site_id))
    bad.write_text(vxu(facility=site_id, responsible=site_id, dose_site=site_id, processing="T"))
    sign_on = ["--username", revealed["username"], "--facility-id", site_id]
    password = {"CAIR_DX_PASSWORD": revealed["secret"]}
    accepted = stack.cli("dx", "send", str(good), *sign_on, extra_env=password)
    assert re.search(r"MSA\|AA\|MSG-\d{5}\r?\n", accepted.stdout), accepted.stdout
    rejected = stack.cli("dx", "send", str(bad), *sign_on, extra_env=password, check=False)
    assert rejected.returncode == 1 and "INVALID PROCESSING ID" in rejected.stdout
    wrong = stack.cli(
        "dx", "send", str(good), *sign_on, extra_env={"CAIR_DX_PASSWORD": "guess"}, check=False
    )
    assert wrong.returncode == 1 and "not credentials of the staging environment" in wrong.stderr
    asked = stack.cli("dx", "send", str(good), *sign_on, check=False, stdin="")
    assert asked.returncode == 1 and "CAIR_DX_PASSWORD: set it" in asked.stderr
    production = stack.cli(
        "dx", "send", str(good), *sign_on, "--env", "production", extra_env=password, check=False
    )
    assert production.returncode == 1 and "production environment" in production.stderr

    listed = stack.cli("dx", "sites", config=rep).stdout
    assert f"{site_id}  Oakland From The CLI" in listed and "still needed" in listed
    queue = stack.cli("dx", "review", "--stage", "testing", config=staff_cli).stdout
    assert site_id in queue
    early = stack.cli("dx", "approve", site_id, config=staff_cli, check=False)
    assert early.returncode == 1 and "not ready for review" in early.stderr
    refused = stack.cli("dx", "review", config=rep, check=False)
    assert refused.returncode == 1

    # The link was lost: an admin issues new staging credentials; the old password stops.
    before = len(stack.outbox.to(REP, f"staging credentials for site {site_id}"))
    renewed = stack.cli("dx", "reissue", site_id, config=staff_cli).stdout
    assert f"new staging credentials for {revealed['username']}" in renewed
    subject = f"staging credentials for site {site_id}"
    mails = await eventually(lambda: stack.outbox.more_than(before, REP, subject))
    assert "issued them anew" in body_text(mails[-1])
    link = re.search(r"/credentials/reveal/(\S+)", body_text(mails[-1]))
    assert link
    new = json.loads(stack.cli("credentials", "reveal", link.group(1)).stdout)
    REVEALED_SECRETS.append(new["secret"])
    old = stack.cli("dx", "send", str(good), *sign_on, extra_env=password, check=False)
    assert old.returncode == 1 and "not credentials of the staging environment" in old.stderr
    fresh = {"CAIR_DX_PASSWORD": new["secret"]}
    assert "MSA|AA|" in stack.cli("dx", "send", str(good), *sign_on, extra_env=fresh).stdout
    none_yet = stack.cli(
        "dx", "reissue", site_id, "--env", "production", config=staff_cli, check=False
    )
    assert none_yet.returncode == 1 and "has no production credentials yet" in none_yet.stderr


async def test_failed_sign_ons_slow_their_sender_and_never_lock_a_site_out(portal: Portal) -> None:
    """Failures are counted per client address and username (never per username alone:
    usernames are predictable): a client that keeps guessing is refused even a right password
    for a while; the site itself, from its own address, and its neighbour behind the same
    address with its own username, are not locked out."""
    listed = await portal.api.get(
        f"/api/v1/organizations/{portal.provider_id}/dx-sites", headers=portal.rep
    )
    main = listed.json()[0]["site_id"]  # five or more registered: the next goes under the main
    site_id = await register(portal, "Oakland Guessed At", main_site_id=main)
    username, password = await credentials(portal, site_id, "staging")
    text = vxu(facility=site_id, responsible=site_id, dose_site=site_id)
    ctx = portal.stack.context()
    try:

        async def send(secret: str, client: str) -> str:
            answer = await dx_messages.receive(
                ctx,
                DxEnvironment.STAGING,
                username=username,
                password=secret,
                facility_id=site_id,
                hl7_message=text,
                client=client,
            )
            return answer.verdict.code.value

        for _ in range(dx_messages.SIGN_ON_FAILURES):
            with pytest.raises(dx_messages.SignOnRefused):
                await send("a guess", "203.0.113.7")
        with pytest.raises(TooManyRequests, match="for this username from this address"):
            await send(password, "203.0.113.7")
        assert await send(password, "198.51.100.9") == "AA"
        # Counted per address and username: another site behind the same hub or NAT (the same
        # address, its own username) is not locked out by its neighbour's guesses.
        neighbour = await register(portal, "Oakland Same Hub", main_site_id=main)
        n_user, n_password = await credentials(portal, neighbour, "staging")
        answer = await dx_messages.receive(
            ctx,
            DxEnvironment.STAGING,
            username=n_user,
            password=n_password,
            facility_id=neighbour,
            hl7_message=vxu(facility=neighbour, responsible=neighbour, dose_site=neighbour),
            client="203.0.113.7",
        )
        assert answer.verdict.code.value == "AA"
    finally:
        await ctx.close()
