"""A data-exchange site's onboarding clock on the time-skipping server, with the real activities:
a site that stalls is reminded after 7 quiet days (at most three times), a message resets the
quiet time, and a review that waits reminds staff."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import select

from cair.domain import ids
from cair.domain.contracts.data_exchange import DxEnvironment
from cair.domain.staff_roles import StaffRole
from cair.operations import credentials, data_exchange, dx_decisions, dx_messages, enrollments
from cair.operations.sessions import Representative, StaffMember
from cair.store.models import OrganizationRow, RepresentativeRow
from cair.workflows.dx_onboarding import DataExchangeOnboardingWorkflow
from tests.helpers.examples import variant
from tests.helpers.mailbox import body_text
from tests.helpers.paths import EXAMPLES
from tests.helpers.skipping import Skipping
from tests.helpers.vxu import vxu
from tests.helpers.waiting import eventually


async def representative(skipping: Skipping, tag: str) -> tuple[Representative, str]:
    """A Data Exchange organization enrolled and approved; its representative and domain."""
    domain = f"{tag.lower()}.example"
    submitted = await enrollments.submit(
        skipping.ctx, variant("data-exchange", tag, email_domain=domain)
    )
    await enrollments.approve(skipping.ctx, submitted.id, by="Dana Staff")

    async def provisioned() -> str | None:
        return (await enrollments.status(skipping.ctx, submitted.id)).provider_id

    provider_id = await eventually(provisioned, timeout=60)
    async with skipping.ctx.db.sessions() as session:
        row = await session.scalar(
            select(RepresentativeRow)
            .join(OrganizationRow, OrganizationRow.id == RepresentativeRow.organization_id)
            .where(OrganizationRow.provider_id == provider_id)
        )
    assert row is not None
    return Representative(row.id, provider_id, row.email), domain


async def registered(skipping: Skipping, tag: str) -> tuple[str, str, str, str]:
    """A role 1 site registered; (site id, representative's address, username, password)."""
    who, domain = await representative(skipping, tag)
    text = (EXAMPLES / "dx-site-registration.json").read_text()
    data = json.loads(text.replace("@valleychc.example", f"@{domain}"))
    site = await data_exchange.register(skipping.ctx, who, data)
    mail = await eventually(lambda: skipping.outbox.to(who.email, f"site {site.site_id}"))
    body = body_text(mail[-1])
    token = re.search(r"/credentials/reveal/(\S+)", body)
    assert token
    shown = await credentials.reveal(skipping.ctx, token.group(1))
    return site.site_id, who.email, shown.username, shown.secret


async def send(
    skipping: Skipping,
    site_id: str,
    username: str,
    secret: str,
    patient: str,
    vaccine: str = "08^HEPB-PEDS^CVX",
) -> str:
    answer = await dx_messages.receive(
        skipping.ctx,
        DxEnvironment.STAGING,
        username=username,
        password=secret,
        facility_id=site_id,
        hl7_message=vxu(
            facility=site_id,
            responsible=site_id,
            dose_site=site_id,
            patient=f"{patient}^^^{site_id}^MR",
            vaccine=vaccine,
        ),
    )
    return answer.verdict.code.value


async def plan_met(skipping: Skipping, site_id: str, username: str, secret: str) -> None:
    """The test plan's rejected case (a VXU without its vaccine, answered AR), then its ten
    accepted VXUs over its three patients; then the site is in review."""
    assert await send(skipping, site_id, username, secret, "CAIRTEST001", vaccine="^^CVX") == "AR"
    for n in range(10):
        patient = ("CAIRTEST001", "CAIRTEST002", "CAIRTEST003")[n % 3]
        assert await send(skipping, site_id, username, secret, patient) == "AA"
    handle = skipping.env.client.get_workflow_handle_for(
        DataExchangeOnboardingWorkflow.run, ids.dx_onboarding_workflow_id(site_id)
    )

    async def in_review() -> bool:
        status = await handle.query(DataExchangeOnboardingWorkflow.status)
        return status.stage == "ready_for_review"

    await eventually(in_review)


def reminders(skipping: Skipping, rep: str, site_id: str) -> list[EmailMessage]:
    """This site's reminders (the organization's first site, enrolled with it, has its own)."""
    return [
        m for m in skipping.outbox.to(rep, "is waiting for you") if site_id in str(m["Subject"])
    ]


async def test_a_quiet_site_is_reminded_weekly_at_most_three_times(skipping: Skipping) -> None:
    site_id, rep, username, secret = await registered(skipping, "DxQuiet")
    handle = skipping.env.client.get_workflow_handle_for(
        DataExchangeOnboardingWorkflow.run, ids.dx_onboarding_workflow_id(site_id)
    )

    def waiting() -> int:
        return len(reminders(skipping, rep, site_id))

    await skipping.env.sleep(timedelta(days=6, hours=23))
    assert waiting() == 0
    await skipping.env.sleep(timedelta(hours=2))
    await eventually(lambda: waiting() == 1)

    # A message resets the quiet time: no reminder six days after it.
    assert await send(skipping, site_id, username, secret, "CAIRTEST001") == "AA"

    async def testing() -> bool:
        return (await handle.query(DataExchangeOnboardingWorkflow.status)).stage == "testing"

    await eventually(testing)
    await skipping.env.sleep(timedelta(days=6))
    assert waiting() == 1
    await skipping.env.sleep(timedelta(days=1, hours=1))
    await eventually(lambda: waiting() == 2)
    await skipping.env.sleep(timedelta(days=7, hours=1))
    await eventually(lambda: waiting() == 3)
    await skipping.env.sleep(timedelta(days=30))
    assert waiting() == 3  # three at most; the site still counts whenever it sends
    status = await handle.query(DataExchangeOnboardingWorkflow.status)
    assert (status.reminders_sent, status.progress.staging_accepted) == (3, 1)
    reminder = reminders(skipping, rep, site_id)[-1]
    assert "testing on staging" in body_text(reminder)


async def test_a_waiting_review_reminds_staff(skipping: Skipping) -> None:
    site_id, _rep, username, secret = await registered(skipping, "DxReview")
    await plan_met(skipping, site_id, username, secret)
    staff = skipping.ctx.settings.staff_queue_email

    def asked() -> list[object]:
        return list(skipping.outbox.to(staff, f"data exchange site {site_id}"))

    await eventually(lambda: len(asked()) == 1)
    await skipping.env.sleep(timedelta(days=7, hours=1))
    await eventually(lambda: len(asked()) == 2)
    assert "reminder 1" in body_text(skipping.outbox.to(staff, f"site {site_id}")[-1])


async def test_a_site_sent_back_is_reminded_again(skipping: Skipping) -> None:
    """Each round of testing has reminders of its own: one sent before a send-back does not
    stop the next round's (their e-mails are keyed by round)."""
    site_id, rep, username, secret = await registered(skipping, "DxAgain")

    def waiting() -> int:
        return len(reminders(skipping, rep, site_id))

    await skipping.env.sleep(timedelta(days=7, hours=1))
    await eventually(lambda: waiting() == 1)
    await plan_met(skipping, site_id, username, secret)
    reviewer = StaffMember(1, "rae@cair.test", "Rae", frozenset({StaffRole.REVIEWER}))
    back = await dx_decisions.decide(
        skipping.ctx, site_id, reviewer, approve=False, message="Add lot numbers."
    )
    assert back.stage == "testing" and back.sent_back == 1
    await skipping.env.sleep(timedelta(days=7, hours=1))
    await eventually(lambda: waiting() == 2)
