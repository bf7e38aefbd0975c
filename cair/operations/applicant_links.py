"""The applicant's links: the status link (given at submission and in the acknowledgement) and
the changes-requested link that opens the request for correction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cair.domain.stages import Stage, cannot
from cair.operations.context import Context
from cair.operations.errors import NotFound, OperationError
from cair.operations.links import peek_link
from cair.store import enrollments, links
from cair.store.links import LinkPurpose

STATUS_LINK_TTL = timedelta(days=180)


async def issue_status_token(ctx: Context, enrollment_id: str) -> str:
    """The applicant's own key to the enrollment's status (stored as a digest only)."""
    async with ctx.db.sessions.begin() as session:
        return await links.issue(
            session,
            purpose=LinkPurpose.STATUS,
            subject=enrollments.link_subject(enrollment_id),
            issue_key=f"{enrollment_id}/status",
            ttl=STATUS_LINK_TTL,
        )


async def holds_status_token(ctx: Context, enrollment_id: str, token: str) -> bool:
    """Whether ``token`` opens this enrollment's status (the acknowledgement's link, or the
    token given when it was submitted)."""
    async with ctx.db.statements() as session:
        link = await links.find_usable(session, token, purpose=LinkPurpose.STATUS)
    return link is not None and link.subject == enrollments.link_subject(enrollment_id)


async def enrollment_of_status_token(ctx: Context, token: str) -> str:
    """The enrollment a status link opens (the page at /status/{token})."""
    async with ctx.db.statements() as session:
        link = await links.find_usable(session, token, purpose=LinkPurpose.STATUS)
    if link is None:
        raise NotFound("this status link is not valid or has expired")
    return enrollments.enrollment_of_subject(link.subject)


@dataclass(frozen=True)
class AmendmentForm:
    """What the amendment page starts from: the request as sent and what staff asked."""

    enrollment_id: str
    request: dict[str, Any]
    message: str | None


async def amendment_form(ctx: Context, token: str) -> AmendmentForm:
    """The request behind a changes-requested link, to correct it; the link stays unused."""
    async with ctx.db.statements() as session:
        link = await peek_link(session, token, purpose=LinkPurpose.AMEND)
        enrollment_id = enrollments.enrollment_of_subject(link.subject)
        row = await enrollments.get(session, enrollment_id)
        view = await enrollments.view(session, enrollment_id)
    if row is None or view is None:
        raise NotFound(f"no enrollment {enrollment_id}")
    if view.stage != Stage.CHANGES_REQUESTED:
        raise OperationError(cannot("amend", enrollment_id, Stage(view.stage)))
    return AmendmentForm(enrollment_id=enrollment_id, request=row.request, message=view.note)
