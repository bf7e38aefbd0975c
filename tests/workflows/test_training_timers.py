"""The training gate's clock on the time-skipping server: reminders at 7 and 14 days, expiry at
30, extension, completion, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from cair.domain.ids import user_gate_workflow_id
from cair.operations import enrollments, users
from cair.operations.errors import OperationError
from cair.store.models import UserRow
from cair.workflows.user_activation import UserActivationWorkflow
from tests.helpers.examples import variant
from tests.helpers.skipping import Skipping, user_state
from tests.helpers.waiting import eventually


async def enrolled_clinic(skipping: Skipping, tag: str) -> tuple[dict[str, str], str, str]:
    """Approve a clinic of its own e-mail domain; returns (e-mail → User ID, Lee's and Sam's
    addresses) once the training e-mails are out."""
    domain = f"{tag.lower()}.example"
    LEE, SAM = f"lee.tran@{domain}", f"sam.okafor@{domain}"
    submitted = await enrollments.submit(skipping.ctx, variant("clinic", tag, email_domain=domain))
    await enrollments.approve(skipping.ctx, submitted.id, by="Dana Staff")

    async def awaiting() -> bool:
        view = await enrollments.status(skipping.ctx, submitted.id)
        return view.stage == "awaiting_training"

    await eventually(awaiting)
    await eventually(lambda: skipping.outbox.to(LEE, "training needed"))
    await eventually(lambda: skipping.outbox.to(SAM, "training needed"))
    async with skipping.ctx.db.sessions() as session:
        rows = (
            await session.scalars(select(UserRow).where(UserRow.email.like(f"%@{domain}")))
        ).all()
    return {u.email: str(u.user_id) for u in rows}, LEE, SAM


async def test_reminders_at_7_and_14_days_and_expiry_at_30(skipping: Skipping) -> None:
    ids, LEE, SAM = await enrolled_clinic(skipping, "Expiry")
    handle = skipping.env.client.get_workflow_handle_for(
        UserActivationWorkflow.run, user_gate_workflow_id(ids[LEE])
    )
    await skipping.env.sleep(timedelta(days=6, hours=23))
    assert not skipping.outbox.to(LEE, "Reminder")
    await skipping.env.sleep(timedelta(hours=2))
    await eventually(lambda: skipping.outbox.to(LEE, "Reminder"))
    await skipping.env.sleep(timedelta(days=7))
    await eventually(lambda: len(skipping.outbox.to(LEE, "Reminder")) == 2)
    assert (await handle.query(UserActivationWorkflow.status)).reminders_sent == 2

    await skipping.env.sleep(timedelta(days=16))
    assert await handle.result() == "training_expired"
    assert await user_state(skipping, ids[LEE]) == "training_expired"
    expired = skipping.outbox.to(LEE, "expired")
    assert len(expired) == 1 and SAM in str(expired[0]["Cc"])  # the primary contact is told
    assert len(skipping.outbox.to(LEE, "Reminder")) == 2
    with pytest.raises(OperationError, match="training_expired"):
        await users.training_complete(skipping.ctx, ids[LEE], kind="webinar", by="Dana Staff")


async def test_extension_moves_the_deadline(skipping: Skipping) -> None:
    ids, LEE, SAM = await enrolled_clinic(skipping, "Extension")
    await skipping.env.sleep(timedelta(days=20))
    extended = await users.training_extend(skipping.ctx, ids[LEE], days=10, by="Dana Staff")
    assert extended.state == "pending_training"
    await skipping.env.sleep(timedelta(days=11))  # day 31: past the old deadline
    assert await user_state(skipping, ids[LEE]) == "pending_training"
    assert await user_state(skipping, ids[SAM]) == "training_expired"
    with pytest.raises(OperationError, match="days"):
        await users.training_extend(skipping.ctx, ids[LEE], days=0, by="Dana Staff")

    await users.training_complete(skipping.ctx, ids[LEE], kind="webinar", by="Dana Staff")
    handle = skipping.env.client.get_workflow_handle_for(
        UserActivationWorkflow.run, user_gate_workflow_id(ids[LEE])
    )
    assert await handle.result() == "active"
    assert await user_state(skipping, ids[LEE]) == "active"
    await eventually(lambda: skipping.outbox.to(LEE, "set your password"))


async def test_completion_before_deadline_activates_and_refusals_are_clear(
    skipping: Skipping,
) -> None:
    ids, LEE, SAM = await enrolled_clinic(skipping, "Completion")
    await skipping.env.sleep(timedelta(days=3))
    assert not skipping.outbox.to(SAM, "set your password")
    status = await users.training_complete(
        skipping.ctx, ids[SAM], kind="in-person", by="Dana Staff"
    )
    assert status.user_id == ids[SAM]
    handle = skipping.env.client.get_workflow_handle_for(
        UserActivationWorkflow.run, user_gate_workflow_id(ids[SAM])
    )
    assert await handle.result() == "active"
    await eventually(lambda: skipping.outbox.to(SAM, "set your password"))

    with pytest.raises(OperationError, match="already active|is active"):
        await users.training_complete(skipping.ctx, ids[SAM], kind="webinar", by="Dana Staff")
    reader = ids["jo.kim@completion.example"]
    with pytest.raises(OperationError, match="is active"):
        await users.training_complete(skipping.ctx, reader, kind="webinar", by="Dana Staff")
    with pytest.raises(OperationError, match="no such user"):
        await users.training_complete(skipping.ctx, "U0000000", kind="webinar", by="Dana Staff")
    with pytest.raises(OperationError, match="kind"):
        await users.training_complete(skipping.ctx, ids[LEE], kind="video", by="Dana Staff")
