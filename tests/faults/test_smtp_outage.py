"""The SMTP relay is down for the whole approval, and back after a while: every e-mail is
delivered once it returns and none twice; meanwhile the enrollment's status says mail waits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.domain import ids
from cair.domain.contracts.activities import Activity
from cair.operations import enrollments
from cair.operations.context import Context
from cair.store.models import EmailRow
from tests.helpers.examples import variant
from tests.helpers.faults import MakeStack
from tests.helpers.waiting import eventually


async def failed_tries(ctx: Context, enrollment_id: str, count: int) -> bool:
    """Whether the enrollment's e-mail step has failed ``count`` times and is being retried:
    the workflow's pending send_mail activity is on its next attempt."""
    handle = (await ctx.temporal()).get_workflow_handle(ids.enrollment_workflow_id(enrollment_id))
    pending = (await handle.describe()).raw_description.pending_activities
    return any(
        a.activity_type.name == Activity.SEND_MAIL.value and a.attempt > count for a in pending
    )


@pytest.mark.slow  # 16 s on SQLite, retry backoff
@pytest.mark.timeout(120)
async def test_mail_waits_for_the_relay_and_goes_once(rig: MakeStack) -> None:
    stack, smtp = await rig()
    ctx = stack.context()
    try:
        submitted = await enrollments.submit(
            ctx, variant("clinic", "Outage", email_domain="outage.example")
        )
        await eventually(lambda: stack.outbox.to("sam.okafor@outage.example", "received"))
        smtp.stop()  # the relay goes away for the whole approval
        await enrollments.approve(ctx, submitted.id, by="Dana Staff")

        async def waiting_for_mail() -> bool:
            view = await enrollments.status(ctx, submitted.id)
            return view.mail_pending >= 1

        await eventually(waiting_for_mail, timeout=60)
        delivered_before = len(stack.outbox.messages())
        await eventually(lambda: failed_tries(ctx, submitted.id, 3), timeout=60)
        held = await enrollments.status(ctx, submitted.id)
        assert held.mail_pending >= 1 and held.stage in ("provisioning", "awaiting_training")
        assert len(stack.outbox.messages()) == delivered_before

        back = OutboxSmtpServer(stack.outbox.folder, host="127.0.0.1", port=smtp.port)
        back.start()  # the relay returns on its address
        try:

            async def rows_sent() -> list[EmailRow] | None:
                async with ctx.db.sessions() as session:
                    rows = (
                        await session.scalars(
                            select(EmailRow).where(EmailRow.recipients.like("%outage.example%"))
                        )
                    ).all()
                # acknowledgement, welcome, training for two, access for one
                done = len(rows) >= 5 and all(row.status == "sent" for row in rows)
                return list(rows) if done else None

            rows = await eventually(rows_sent, timeout=180, interval=1.0)
            view = await enrollments.status(ctx, submitted.id)
            assert view.stage == "awaiting_training" and view.mail_pending == 0
        finally:
            back.stop()
        delivered = [m["Message-ID"] for m in stack.outbox.messages()]
        assert len(delivered) == len(set(delivered)), "an e-mail was delivered twice"
        assert {row.message_id for row in rows} <= set(delivered)
        welcome = [m for m in stack.outbox.to("sam.okafor@outage.example", "Welcome")]
        assert len(welcome) == 1
    finally:
        await ctx.close()
