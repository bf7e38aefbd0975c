"""An online request waits for its primary contact to confirm their address by the e-mailed
link before staff see it, and expires unconfirmed after 7 days — on the time-skipping server,
with the real activities, store and outbox."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio

from cair.domain import ids
from cair.operations import address_confirmations, enrollments
from cair.operations.context import Context
from cair.operations.errors import LinkUnusable, OperationError
from cair.workflows.enrollment import EnrollmentWorkflow
from tests.helpers.examples import variant
from tests.helpers.skipping import Skipping
from tests.helpers.waiting import eventually


@pytest_asyncio.fixture(loop_scope="session")
async def confirming(skipping: Skipping) -> AsyncIterator[Context]:
    """The rig's context as a deployment runs it: the contact confirms first."""
    settings = skipping.ctx.settings.model_copy(update={"confirm_applicant_address": True})
    ctx = Context(settings, client=await skipping.ctx.temporal())
    yield ctx
    await ctx.close()


def confirmation_token(skipping: Skipping, enrollment_id: str) -> str | None:
    mails = [m for m in skipping.outbox.about(enrollment_id) if "Confirm" in str(m["Subject"])]
    if not mails:
        return None
    assert len(mails) == 1
    body = mails[0].get_body(("plain",))
    assert body is not None
    found = re.search(r"/enroll/confirm/(\S+)", body.get_content())
    assert found
    return found.group(1)


async def test_the_request_reaches_staff_once_its_contact_confirms(
    skipping: Skipping, confirming: Context
) -> None:
    submitted = await enrollments.submit(
        confirming, variant("school", "Confirms", email_domain="confirms.example")
    )
    assert submitted.stage == "awaiting_confirmation" and submitted.expires_at
    token = await eventually(lambda: confirmation_token(skipping, submitted.id))
    # Staff cannot act on it yet, and no acknowledgement went out.
    with pytest.raises(OperationError, match="confirm their e-mail address"):
        await enrollments.approve(confirming, submitted.id, by="Dana Staff")
    assert not [m for m in skipping.outbox.about(submitted.id) if "received" in m["Subject"]]

    status = await address_confirmations.confirm(confirming, token)
    assert status.stage == "awaiting_review"
    with pytest.raises(LinkUnusable):  # one use
        await address_confirmations.confirm(confirming, token)
    await eventually(
        lambda: [m for m in skipping.outbox.about(submitted.id) if "received" in m["Subject"]]
    )
    approved = await enrollments.approve(confirming, submitted.id, by="Dana Staff")
    assert approved.stage == "provisioning"


async def test_an_unconfirmed_request_expires_after_seven_days_without_a_word(
    skipping: Skipping, confirming: Context
) -> None:
    submitted = await enrollments.submit(
        confirming, variant("clinic", "Squatted", email_domain="squatted.example")
    )
    assert submitted.stage == "awaiting_confirmation"
    token = await eventually(lambda: confirmation_token(skipping, submitted.id))
    handle = (await confirming.temporal()).get_workflow_handle_for(
        EnrollmentWorkflow.run, ids.enrollment_workflow_id(submitted.id)
    )
    await skipping.env.sleep(timedelta(days=7, minutes=1))
    result = await handle.result()
    assert result.stage == "expired" and "did not confirm" in (result.note or "")
    mails = skipping.outbox.about(submitted.id)
    assert [m["Subject"] for m in mails if "Confirm" not in m["Subject"]] == []
    with pytest.raises((LinkUnusable, OperationError)):
        await address_confirmations.confirm(confirming, token)
