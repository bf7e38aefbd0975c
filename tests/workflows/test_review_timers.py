"""Review reminders in business days and expiry after 30 days, on the time-skipping server."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from cair.domain import ids
from cair.operations import enrollments
from cair.workflows.enrollment import EnrollmentWorkflow
from tests.helpers.examples import variant
from tests.helpers.skipping import Skipping
from tests.helpers.waiting import eventually


def reminders(
    skipping: Skipping, enrollment_id: str, which: str = "Reminder"
) -> list[EmailMessage]:
    return [m for m in skipping.outbox.about(enrollment_id) if which in str(m["Subject"])]


async def sleep_until(skipping: Skipping, moment: datetime) -> None:
    now = await skipping.env.get_current_time()
    if moment > now:
        await skipping.env.sleep(moment - now)


async def next_weekday(skipping: Skipping, weekday: int, hour: int) -> datetime:
    now = await skipping.env.get_current_time()
    days = (weekday - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


async def test_friday_submission_reminds_staff_on_tuesday_then_every_two_business_days(
    skipping: Skipping,
) -> None:
    friday = await next_weekday(skipping, 4, 10)
    await sleep_until(skipping, friday)
    submitted = await enrollments.submit(
        skipping.ctx, variant("school", "Friday", email_domain="friday.example")
    )
    assert submitted.stage == "awaiting_review"
    handle = (await skipping.ctx.temporal()).get_workflow_handle_for(
        EnrollmentWorkflow.run, ids.enrollment_workflow_id(submitted.id)
    )
    status = await handle.query(EnrollmentWorkflow.status)
    assert status.next_reminder_at is not None
    tuesday = datetime.fromisoformat(status.next_reminder_at)
    assert tuesday.weekday() == 1 and (tuesday - friday).days == 4

    await sleep_until(skipping, tuesday - timedelta(hours=1))
    assert (await handle.query(EnrollmentWorkflow.status)).reminders_sent == 0
    assert not reminders(skipping, submitted.id)

    await sleep_until(skipping, tuesday + timedelta(minutes=1))
    await eventually(lambda: reminders(skipping, submitted.id, "Reminder 1"))
    status = await handle.query(EnrollmentWorkflow.status)
    assert status.reminders_sent == 1
    assert datetime.fromisoformat(str(status.next_reminder_at)).weekday() == 3  # Thursday

    await sleep_until(skipping, tuesday + timedelta(days=2, minutes=1))
    await eventually(lambda: reminders(skipping, submitted.id, "Reminder 2"))
    reminder = reminders(skipping, submitted.id, "Reminder 2")[0]
    assert submitted.id in str(reminder["Subject"])


async def test_request_expires_after_thirty_days_without_decision(skipping: Skipping) -> None:
    submitted = await enrollments.submit(
        skipping.ctx, variant("school", "Expiring", email_domain="expiring.example")
    )
    start = await skipping.env.get_current_time()
    await sleep_until(skipping, start + timedelta(days=29, hours=23))
    assert (await enrollments.status(skipping.ctx, submitted.id)).stage == "awaiting_review"

    await sleep_until(skipping, start + timedelta(days=30, minutes=5))
    result = await enrollments.wait_for_result(skipping.ctx, submitted.id)
    assert result.stage == "expired"
    assert (await enrollments.status(skipping.ctx, submitted.id)).stage == "expired"
    expired = skipping.outbox.to("msingh@expiring.example", "expired")
    assert len(expired) == 1
    # Reminders went out every two business days until then, and none after expiry.
    assert 10 <= len(reminders(skipping, submitted.id)) <= 12
