"""Where an enrollment stands, and how each stage reads to a person."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    VALIDATING = "validating"
    INVALID = "invalid"
    REFUSED_DUPLICATE = "refused_duplicate"
    ROUTED_TO_LOCAL_REPRESENTATIVE = "routed_to_local_representative"
    AWAITING_REVIEW = "awaiting_review"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    EXPIRED = "expired"
    PROVISIONING = "provisioning"
    AWAITING_TRAINING = "awaiting_training"
    COMPLETED = "completed"
    NEEDS_ATTENTION = "needs_attention"


# Enrollments in these stages block a second enrollment of the same organization.
BLOCKING_STAGES = frozenset(
    {
        Stage.VALIDATING,
        Stage.AWAITING_REVIEW,
        Stage.CHANGES_REQUESTED,
        Stage.PROVISIONING,
        Stage.AWAITING_TRAINING,
        Stage.COMPLETED,
        Stage.NEEDS_ATTENTION,
    }
)

# Why an enrollment in a stage cannot take a given action: "cannot approve X: it <explanation>".
STAGE_EXPLANATIONS: dict[Stage, str] = {
    Stage.VALIDATING: "is still being checked; try again in a moment",
    Stage.INVALID: "was refused as invalid",
    Stage.REFUSED_DUPLICATE: "was refused as a duplicate",
    Stage.ROUTED_TO_LOCAL_REPRESENTATIVE: "was routed to the Local CAIR Representative",
    Stage.AWAITING_REVIEW: "is awaiting review",
    Stage.CHANGES_REQUESTED: "is waiting for the applicant's changes",
    Stage.REJECTED: "was rejected",
    Stage.EXPIRED: "expired without a decision",
    Stage.PROVISIONING: "is already approved",
    Stage.AWAITING_TRAINING: "is already approved",
    Stage.COMPLETED: "is already approved and completed",
    Stage.NEEDS_ATTENTION: "is held for registry staff after a failed step",
}
