"""``submit`` is an Update-with-start answered once the request is registered: the same request
sent twice finds the first (running or finished), and one answer comes without polling."""

from __future__ import annotations

import pytest
from temporalio.api.enums.v1 import EventType

from cair.domain import ids
from cair.operations import enrollments
from cair.operations.errors import OperationError
from cair.workflows.enrollment import EnrollmentWorkflow
from tests.helpers.examples import variant
from tests.helpers.skipping import Skipping
from tests.helpers.waiting import eventually


async def test_the_same_request_sent_twice_finds_the_first(skipping: Skipping) -> None:
    request = variant("school", "Twice", email_domain="twice.example")
    enrollment_id = ids.new_enrollment_id()
    first = await enrollments.submit(skipping.ctx, request, enrollment_id=enrollment_id)
    again = await enrollments.submit(skipping.ctx, request, enrollment_id=enrollment_id)
    assert first.stage == again.stage == "awaiting_review" and first.id == again.id
    handle = (await skipping.ctx.temporal()).get_workflow_handle_for(
        EnrollmentWorkflow.run, ids.enrollment_workflow_id(enrollment_id)
    )
    history = await handle.fetch_history()
    started = [
        e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED
    ]
    answered = [
        e
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED
    ]
    assert len(started) == 1 and answered  # one run, which answered the first submit

    def acknowledgements() -> list[object]:
        return [m for m in skipping.outbox.about(enrollment_id) if "received" in str(m["Subject"])]

    await eventually(acknowledgements)
    assert len(acknowledgements()) == 1


async def test_a_request_sent_again_after_the_first_finished_gets_its_outcome(
    skipping: Skipping,
) -> None:
    original = variant("school", "Finished", email_domain="finished.example")
    first = await enrollments.submit(skipping.ctx, original)
    await enrollments.approve(skipping.ctx, first.id, by="Dana Staff")  # enrolled: refuses

    async def enrolled() -> bool:
        return (await enrollments.status(skipping.ctx, first.id)).provider_id is not None

    await eventually(enrolled)
    duplicate_id = ids.new_enrollment_id()
    refused = await enrollments.submit(skipping.ctx, original, enrollment_id=duplicate_id)
    assert refused.stage == "refused_duplicate" and first.id in (refused.note or "")
    # The refused run has ended; the same request id again is answered from it.
    again = await enrollments.submit(skipping.ctx, original, enrollment_id=duplicate_id)
    assert again.stage == "refused_duplicate" and again.id == duplicate_id


async def test_a_look_alike_of_a_pending_request_goes_to_staff_not_to_refusal(
    skipping: Skipping,
) -> None:
    """Anyone can type a clinic's public name, address and NPI: a pending request must not lock
    the real clinic out. Staff see both, and the hint that they look alike."""
    squatter = variant("clinic", "Lookalike", email_domain="squatter.example")
    first = await enrollments.submit(skipping.ctx, squatter)
    real = variant("clinic", "Lookalike", email_domain="real-clinic.example")
    second = await enrollments.submit(skipping.ctx, real)
    assert first.stage == second.stage == "awaiting_review"
    detail = await enrollments.detail(skipping.ctx, second.id)
    assert [h.enrollment_id for h in detail.duplicate_hints] == [first.id]
    # Staff approve the real one; the other can no longer be approved, only rejected.
    await enrollments.approve(skipping.ctx, second.id, by="Dana Staff")

    async def enrolled() -> bool:
        return (await enrollments.status(skipping.ctx, second.id)).provider_id is not None

    await eventually(enrolled)
    with pytest.raises(OperationError, match=f"looks like enrollment {second.id}"):
        await enrollments.approve(skipping.ctx, first.id, by="Dana Staff")
    assert (await enrollments.status(skipping.ctx, first.id)).stage == "awaiting_review"
