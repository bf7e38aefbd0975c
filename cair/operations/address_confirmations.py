"""An applicant's primary contact confirms their address by the e-mailed link: only then does
the request reach registry staff (a stranger who typed a clinic's public details gets no
further, and the real clinic is never refused because of them)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from cair.domain import ids
from cair.domain.contracts.enrollment import AddressConfirmation, EnrollmentStatus
from cair.operations.context import Context
from cair.operations.errors import LinkUnusable
from cair.operations.links import open_link, peek_link
from cair.operations.workflow_updates import send_update
from cair.store import enrollments
from cair.store.links import LinkPurpose
from cair.workflows.enrollment import EnrollmentWorkflow


async def confirm(ctx: Context, token: str) -> EnrollmentStatus:
    """Tell the enrollment, then use the link up; the link stays unused if the enrollment
    refuses (expired meanwhile), so the words the person reads are the workflow's. No
    transaction is held while the workflow answers: a busy or stopped worker must not hold up
    the store's other writers."""
    async with ctx.db.statements() as session:
        link = await peek_link(session, token, purpose=LinkPurpose.CONFIRM_ENROLLMENT)
    enrollment_id = enrollments.enrollment_of_subject(link.subject)
    handle = (await ctx.temporal()).get_workflow_handle_for(
        EnrollmentWorkflow.run, ids.enrollment_workflow_id(enrollment_id)
    )
    status = await send_update(
        handle,
        EnrollmentWorkflow.confirm_address,
        AddressConfirmation(),
        missing=_ended(enrollment_id),
    )
    async with ctx.db.sessions.begin() as session:
        with contextlib.suppress(LinkUnusable):  # a second click at the same instant used it
            await open_link(session, token, purpose=LinkPurpose.CONFIRM_ENROLLMENT)
    return status


def _ended(enrollment_id: str) -> Callable[[], Awaitable[str]]:
    async def words() -> str:
        return f"enrollment {enrollment_id} has ended; enroll again"

    return words


def confirmed_words(status: EnrollmentStatus) -> str:
    """What the person who confirmed reads."""
    return (
        f"Thank you: your address is confirmed. Enrollment {status.id} now waits for registry "
        "staff, who usually review requests within two business days; we e-mail you their "
        "decision."
    )
