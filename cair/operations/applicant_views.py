"""What an applicant sees of their request: where it stands in plain words, and what is next."""

from __future__ import annotations

from dataclasses import dataclass

from cair.domain.stages import FOR_APPLICANTS, Stage
from cair.operations import enrollments
from cair.operations.context import Context


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
    view = await enrollments.status(ctx, enrollment_id)
    label, next_step = FOR_APPLICANTS[Stage(view.stage)]
    shown_note = view.note if view.stage in (Stage.REJECTED, Stage.CHANGES_REQUESTED) else None
    return ApplicantView(
        id=view.id,
        stage=view.stage,
        stage_label=label,
        next_step=next_step,
        organization=view.org_name,
        region=view.region,
        submitted_at=view.submitted_at,
        provider_id=view.provider_id,
        note=shown_note,
    )
