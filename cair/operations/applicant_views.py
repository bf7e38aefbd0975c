"""What an applicant sees of their request: where it stands in plain words, and what is next."""

from __future__ import annotations

from dataclasses import dataclass

from cair.domain.stages import FOR_APPLICANTS, Stage
from cair.operations.context import Context
from cair.operations.errors import NotFound
from cair.store import enrollments


@dataclass(frozen=True)
class ApplicantView:
    """What the applicant sees: where the request stands, in plain words, and what is next."""

    id: str
    stage: str
    stage_label: str
    next_step: str
    organization: str
    region: str
    submitted_at: str
    provider_id: str | None
    note: str | None


async def applicant_view(ctx: Context, enrollment_id: str) -> ApplicantView:
    return (await applicant_view_and_level(ctx, enrollment_id))[0]


async def applicant_view_and_level(ctx: Context, enrollment_id: str) -> tuple[ApplicantView, str]:
    """The view, and the access level asked for (the status page tells a Data Exchange
    applicant the steps ahead): one narrow query."""
    async with ctx.db.statements() as session:
        facts = await enrollments.applicant_facts(session, enrollment_id)
    if facts is None:
        raise NotFound(f"no enrollment {enrollment_id}")
    label, next_step = FOR_APPLICANTS[Stage(facts.stage)]
    shown_note = facts.note if facts.stage in (Stage.REJECTED, Stage.CHANGES_REQUESTED) else None
    view = ApplicantView(
        id=facts.id,
        stage=facts.stage,
        stage_label=label,
        next_step=next_step,
        organization=facts.org_name,
        region=facts.region,
        submitted_at=facts.submitted_at,
        provider_id=facts.provider_id,
        note=shown_note,
    )
    return view, facts.access_level
