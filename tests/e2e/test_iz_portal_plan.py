"""The IZ Portal's test plan on the running stack, through a real SOAP client (zeep on the served
WSDL): (a) a role 1 site's VXU without its vaccine (RXA-5 ``^^CVX``) is answered AR, is the
plan's rejected case, and does not advance its accepted count; (b) a bidirectional site passes
its query cases (a Z34 for a test patient answered with its history, Z32; one for a patient CAIR
does not know, NF) and the rest of the plan, staff approve it, it goes live, and its production
query is answered as docs/domain.md says (AE: this service keeps no immunization records)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from sqlalchemy import select
from temporalio.api.enums.v1 import EventType

from cair.domain import ids
from cair.store.models import DxMessageRow, DxSiteRow
from tests.helpers.iz_portal import Portal, opened
from tests.helpers.mailbox import body_text
from tests.helpers.paths import EXAMPLES
from tests.helpers.qbp import UNKNOWN, qbp
from tests.helpers.revealed import REVEALED_SECRETS
from tests.helpers.soap import PATIENTS, msa, soap, submit
from tests.helpers.stack import Stack
from tests.helpers.vxu import vxu
from tests.helpers.waiting import eventually

DOMAIN = "iz-plan.example"
REP = f"pnair@{DOMAIN}"
NO_VACCINE = "without its vaccine code"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def portal(stack: Stack) -> AsyncIterator[Portal]:
    async with opened(stack, "IzPlan", DOMAIN, "rae.plan@cair.test") as shared:
        yield shared


async def register(portal: Portal, name: str, **changes: Any) -> str:
    text = (EXAMPLES / "dx-site-registration.json").read_text()
    data: dict[str, Any] = json.loads(text.replace("@valleychc.example", f"@{DOMAIN}"))
    data.update(site_name=name, **changes)
    answer = await portal.api.post(
        f"/api/v1/organizations/{portal.provider_id}/dx-sites", json=data, headers=portal.rep
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["bidirectional"] is bool(changes.get("bidirectional"))
    return str(answer.json()["site_id"])


async def credentials(portal: Portal, site_id: str, environment: str) -> tuple[str, str]:
    subject = f"{environment} credentials for site {site_id}"
    mail = (await eventually(lambda: portal.stack.outbox.to(REP, subject), timeout=60))[-1]
    token = re.search(r"/credentials/reveal/(\S+)", body_text(mail))
    assert token, body_text(mail)
    shown = await portal.api.post("/api/v1/credentials/reveal", json={"token": token.group(1)})
    assert shown.status_code == 200, shown.text
    REVEALED_SECRETS.append(shown.json()["secret"])
    return str(shown.json()["username"]), str(shown.json()["secret"])


async def site(portal: Portal, site_id: str) -> dict[str, Any]:
    answer = await portal.api.get(
        f"/api/v1/organizations/{portal.provider_id}/dx-sites/{site_id}", headers=portal.rep
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def shows(portal: Portal, site_id: str, key: str, words: str) -> dict[str, Any]:
    """The site's view once its ``key`` (passed, still_needed) lists ``words``."""

    async def listed() -> dict[str, Any] | None:
        shown = await site(portal, site_id)
        return shown if any(words in line for line in shown[key]) else None

    found: dict[str, Any] = await eventually(listed, timeout=60)
    return found


def segment(answer: str, name: str) -> list[str]:
    return next(s.split("|") for s in answer.replace("\n", "\r").split("\r") if s[:3] == name)


async def test_a_vxu_without_its_vaccine_is_rejected_and_is_the_plans_rejected_case(
    portal: Portal,
) -> None:
    site_id = await register(portal, "Plan Direct")
    username, password = await credentials(portal, site_id, "staging")
    staging = soap(portal.stack.api_url, "staging")
    ours: dict[str, Any] = {"facility": site_id, "responsible": site_id, "dose_site": site_id}
    accepted = await submit(staging, username, password, site_id, vxu(**ours))
    assert msa(accepted) == "AA"
    await shows(portal, site_id, "still_needed", "9 more accepted VXUs")

    rejected = await submit(staging, username, password, site_id, vxu(**ours, vaccine="^^CVX"))
    assert msa(rejected) == "AR" and "RXA-5 (VACCINE CODE) MISSING" in rejected
    shown = await shows(portal, site_id, "passed", NO_VACCINE)
    assert "9 more accepted VXUs" in shown["still_needed"]  # the AR did not count
    assert not any(NO_VACCINE in n for n in shown["still_needed"])
    assert shown["bidirectional"] is False

    # A site that did not register as bidirectional is refused its queries (RSP, AR).
    query = qbp(facility=site_id, responsible=site_id)
    refused = await submit(staging, username, password, site_id, query)
    assert msa(refused) == "AR" and "DID NOT REGISTER AS BIDIRECTIONAL" in refused
    assert segment(refused, "QAK")[2] == "AR"


async def test_a_bidirectional_site_passes_its_query_cases_and_goes_live(portal: Portal) -> None:
    site_id = await register(portal, "Plan Both Ways", bidirectional=True)
    username, password = await credentials(portal, site_id, "staging")
    staging = soap(portal.stack.api_url, "staging")
    needed = (await shows(portal, site_id, "still_needed", "Z34 query"))["still_needed"]
    assert any("not found" in n for n in needed) and any(NO_VACCINE in n for n in needed)

    ours: dict[str, Any] = {"facility": site_id, "responsible": site_id}
    history = await submit(staging, username, password, site_id, qbp(**ours))
    assert msa(history) == "AA", history
    assert segment(history, "MSH")[20] == "Z32^CDCPHINVS" and segment(history, "QAK")[2] == "OK"
    assert segment(history, "PID")[3].startswith("CAIRTEST001^") and "\rRXA|" in history
    await shows(portal, site_id, "passed", "answered with its history")
    patient, name, born, sex = UNKNOWN
    unknown = qbp(**ours, patient=patient, name=name, born_on=born, sex=sex)
    nobody = await submit(staging, username, password, site_id, unknown)
    assert msa(nobody) == "AA" and segment(nobody, "QAK")[2] == "NF"
    assert segment(nobody, "MSH")[20] == "Z33^CDCPHINVS" and "PID|" not in nobody
    await shows(portal, site_id, "passed", "answered not found")

    # The queries counted for nothing else: ten accepted VXUs still to send.
    assert "10 more accepted VXUs" in (await site(portal, site_id))["still_needed"]
    doses: dict[str, Any] = {**ours, "dose_site": site_id}
    no_vaccine = vxu(**doses, vaccine="^^CVX")
    assert msa(await submit(staging, username, password, site_id, no_vaccine)) == "AR"
    for n in range(10):
        text = vxu(**doses, patient=f"{PATIENTS[n % 3]}^^^{site_id}^MR")
        assert msa(await submit(staging, username, password, site_id, text)) == "AA"

    async def in_review() -> bool:
        return bool((await site(portal, site_id))["stage"] == "ready_for_review")

    await eventually(in_review, timeout=60)
    shown = await site(portal, site_id)
    assert len(shown["passed"]) == 5 and not shown["still_needed"]
    approved = await portal.api.post(
        f"/api/v1/staff/dx-sites/{site_id}/approve", headers=portal.staff
    )
    assert approved.status_code == 200, approved.text

    live_user, live_password = await credentials(portal, site_id, "production")
    production = soap(portal.stack.api_url, "production")
    asked = await submit(production, live_user, live_password, site_id, qbp(**ours))
    assert msa(asked) == "AE" and segment(asked, "QAK")[2] == "AE"
    assert "QBP-PRODUCTION-NO-HISTORY" in asked and "PID|" not in asked
    assert (await site(portal, site_id))["stage"] == "production_credentials_issued"
    sent = await submit(production, live_user, live_password, site_id, vxu(**doses))
    assert msa(sent) == "AA"

    async def live() -> bool:
        return bool((await site(portal, site_id))["stage"] == "live")

    await eventually(live, timeout=60)


async def test_messages_back_to_back_nudge_the_onboarding_a_few_times(portal: Portal) -> None:
    """Twelve VXUs at once are all counted, with a few signals in the onboarding's history,
    not one per message (cair/operations/dx_nudges.py)."""
    site_id = await register(portal, "Plan Burst")
    username, password = await credentials(portal, site_id, "staging")
    staging = soap(portal.stack.api_url, "staging")
    ours: dict[str, Any] = {"facility": site_id, "responsible": site_id, "dose_site": site_id}
    answers = await asyncio.gather(
        *(
            submit(staging, username, password, site_id, vxu(**ours, control=f"BURST-{n}"))
            for n in range(12)
        )
    )
    assert [msa(a) for a in answers] == ["AA"] * 12

    async def all_read() -> bool:  # the plan asks for ten: read with no message after them
        return not any(
            "more accepted VXUs" in n for n in (await site(portal, site_id))["still_needed"]
        )

    await eventually(all_read, timeout=60)
    ctx = portal.stack.context()
    try:
        handle = (await ctx.temporal()).get_workflow_handle(ids.dx_onboarding_workflow_id(site_id))
        history = await handle.fetch_history()
    finally:
        await ctx.close()
    signals = [
        e
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
    ]
    assert 1 <= len(signals) < 12


async def test_copies_of_one_message_at_once_are_recorded_once(portal: Portal) -> None:
    """An EHR that resends a VXU before the first answer came (a timeout, two interface
    engines) sends the same control id at the same instant: every copy gets the first ACK, and
    the message is recorded, and counted, once (a unique index, migration 0010)."""
    site_id = await register(portal, "Plan Copies")
    username, password = await credentials(portal, site_id, "staging")
    staging = soap(portal.stack.api_url, "staging")
    ours: dict[str, Any] = {"facility": site_id, "responsible": site_id, "dose_site": site_id}
    message = vxu(**ours, control="COPY-1")
    answers = await asyncio.gather(
        *(submit(staging, username, password, site_id, message) for _ in range(8))
    )
    assert [msa(a) for a in answers] == ["AA"] * 8
    assert len({segment(a, "MSH")[9] for a in answers}) == 1  # the first ACK, every time
    ctx = portal.stack.context()
    try:
        async with ctx.db.sessions() as session:
            recorded = await session.scalars(
                select(DxMessageRow.control_id)
                .join(DxSiteRow, DxSiteRow.id == DxMessageRow.dx_site_id)
                .where(DxSiteRow.site_id == site_id)
            )
            assert list(recorded) == ["COPY-1"]
    finally:
        await ctx.close()
