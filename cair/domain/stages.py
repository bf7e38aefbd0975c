"""Where an enrollment stands, and how each stage reads to a person."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

# How long a request waits for its primary contact to confirm their address before it expires.
CONFIRMATION_WINDOW = timedelta(days=7)


class Stage(StrEnum):
    VALIDATING = "validating"
    INVALID = "invalid"
    REFUSED_DUPLICATE = "refused_duplicate"
    ROUTED_TO_LOCAL_REPRESENTATIVE = "routed_to_local_representative"
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # the primary contact confirms by link
    AWAITING_REVIEW = "awaiting_review"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    EXPIRED = "expired"
    PROVISIONING = "provisioning"
    AWAITING_TRAINING = "awaiting_training"
    COMPLETED = "completed"
    NEEDS_ATTENTION = "needs_attention"


# Only an organization already enrolled refuses a second enrollment that looks like it. A
# look-alike of a request still pending goes to staff (who see both), never to refusal: anyone
# can type a clinic's public name, address and NPI, and must not lock the real clinic out.
ENROLLED_STAGES = frozenset({Stage.PROVISIONING, Stage.AWAITING_TRAINING, Stage.COMPLETED})

# Where an enrollment is still under way (waiting on someone, or on a step).
OPEN_STAGES = frozenset(
    {
        Stage.VALIDATING,
        Stage.AWAITING_CONFIRMATION,
        Stage.AWAITING_REVIEW,
        Stage.CHANGES_REQUESTED,
        Stage.PROVISIONING,
        Stage.AWAITING_TRAINING,
        Stage.NEEDS_ATTENTION,
    }
)

# Why an enrollment in a stage cannot take a given action: "cannot approve X: it <explanation>".
STAGE_EXPLANATIONS: dict[Stage, str] = {
    Stage.VALIDATING: "is still being checked; try again in a moment",
    Stage.INVALID: "was refused as invalid",
    Stage.REFUSED_DUPLICATE: "was refused as a duplicate",
    Stage.ROUTED_TO_LOCAL_REPRESENTATIVE: "was routed to the Local CAIR Representative",
    Stage.AWAITING_CONFIRMATION: "waits for its primary contact to confirm their e-mail address",
    Stage.AWAITING_REVIEW: "is awaiting review",
    Stage.CHANGES_REQUESTED: "is waiting for the applicant's changes",
    Stage.REJECTED: "was rejected",
    Stage.EXPIRED: "expired without a decision",
    Stage.PROVISIONING: "is already approved",
    Stage.AWAITING_TRAINING: "is already approved",
    Stage.COMPLETED: "is already approved and completed",
    Stage.NEEDS_ATTENTION: "is held for registry staff after a failed step",
}


# What an applicant reads on their status page: the stage in plain words, and what happens next.
FOR_APPLICANTS: dict[Stage, tuple[str, str]] = {
    Stage.VALIDATING: ("Being checked", "This takes a moment; refresh the page."),
    Stage.INVALID: (
        "Not accepted",
        "The request broke a rule that changed while it was sent; please enroll again.",
    ),
    Stage.REFUSED_DUPLICATE: (
        "Already enrolled",
        "Your organization is enrolled in CAIR already; call the CAIR Help Desk if unsure.",
    ),
    Stage.ROUTED_TO_LOCAL_REPRESENTATIVE: (
        "Sent to your Local CAIR Representative",
        "Your county enrolls through its Local CAIR Representative, who has your request and "
        "will contact you.",
    ),
    Stage.AWAITING_CONFIRMATION: (
        "Waiting for your e-mail confirmation",
        "We e-mailed the primary contact a link: open it to confirm the address, and the "
        "request goes to registry staff. Unconfirmed requests expire after 7 days.",
    ),
    Stage.AWAITING_REVIEW: (
        "Waiting for registry staff",
        "Staff review requests in the order they arrive, usually within two business days.",
    ),
    Stage.CHANGES_REQUESTED: (
        "Changes needed",
        "Staff asked for changes: use the link in their e-mail to correct and resend your request.",
    ),
    Stage.REJECTED: ("Not approved", "The e-mail from registry staff gives the reason."),
    Stage.EXPIRED: ("Expired", "The request waited too long without a decision; enroll again."),
    Stage.PROVISIONING: ("Approved", "Your CAIR Provider ID and users are being created."),
    Stage.AWAITING_TRAINING: (
        "Enrolled — users in training",
        "Your welcome e-mail has your Provider ID and User IDs. Regular and Power users get "
        "access once registry staff record their training.",
    ),
    Stage.COMPLETED: ("Enrolled", "Every user has access. Your welcome e-mail has the details."),
    Stage.NEEDS_ATTENTION: (
        "Held for registry staff",
        "A step could not be completed; staff have been told and will continue it.",
    ),
}


def cannot(action: str, enrollment_id: str, stage: Stage) -> str:
    """Why ``action`` cannot be taken on an enrollment in ``stage``, in the applicant's words."""
    explanation = STAGE_EXPLANATIONS.get(stage, f"is {stage}")
    return f"cannot {action} enrollment {enrollment_id}: it {explanation}"


def duplicate_note(duplicate_of: str) -> str:
    """Why an enrollment was refused as a duplicate, as staff and the applicant read it."""
    return f"already enrolled in CAIR through enrollment {duplicate_of}"
