"""The vocabulary shared by workflows, activities and clients: inputs, outputs, stages, activity
names. Workflows import only this and the rest of domain/, never the activity code itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cair.domain.request import EnrollmentRequest


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


# Enrollments in these stages block a second enrollment of the same organization.
BLOCKING_STAGES = frozenset(
    {
        Stage.VALIDATING,
        Stage.AWAITING_REVIEW,
        Stage.CHANGES_REQUESTED,
        Stage.PROVISIONING,
        Stage.AWAITING_TRAINING,
        Stage.COMPLETED,
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
}


class UserState(StrEnum):
    PENDING_TRAINING = "pending_training"
    ACTIVE = "active"
    TRAINING_EXPIRED = "training_expired"
    INACTIVE = "inactive"


class TrainingKind(StrEnum):
    WEBINAR = "webinar"
    IN_PERSON = "in_person"


# ---- enrollment -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrollmentInput:
    enrollment_id: str
    request: EnrollmentRequest
    activity_timeout_seconds: float = 30.0
    org_history_threshold: int = 500


@dataclass(frozen=True)
class ValidationOutcome:
    """What the validate activity found: problems (``path: message``) or the routing facts."""

    problems: list[str]
    access_level: str = ""
    county: str = ""
    region_key: str = ""
    region_name: str = ""
    enrolls_online: bool = True


@dataclass(frozen=True)
class RegisterEnrollment:
    enrollment_id: str
    request: EnrollmentRequest
    access_level: str
    county: str
    region_key: str


@dataclass(frozen=True)
class RegisterOutcome:
    duplicate_of: str | None


@dataclass(frozen=True)
class StageChange:
    """Record a stage in the store, with the audit entry; ``step`` keys it for retries."""

    enrollment_id: str
    stage: str
    step: str
    actor: str = "system"
    note: str | None = None


@dataclass(frozen=True)
class AmendRecord:
    enrollment_id: str
    request: EnrollmentRequest
    access_level: str
    step: str
    actor: str = "applicant"


@dataclass(frozen=True)
class StaffDecision:
    by: str


@dataclass(frozen=True)
class Rejection:
    by: str
    reason: str


@dataclass(frozen=True)
class ChangeRequest:
    by: str
    message: str


@dataclass(frozen=True)
class Amendment:
    request: EnrollmentRequest


@dataclass
class UserStatus:
    user_id: str
    role: str
    state: str


@dataclass
class EnrollmentStatus:
    """What the ``status`` query answers; identifiers and states only, no personal data."""

    id: str
    stage: str
    region: str = ""
    access_level: str = ""
    org_type: str = ""
    provider_id: str | None = None
    users: list[UserStatus] = field(default_factory=list)
    note: str | None = None
    reminders_sent: int = 0
    next_reminder_at: str | None = None
    expires_at: str | None = None


# ---- e-mail -----------------------------------------------------------------------------------


class Mail(StrEnum):
    """Every e-mail the service sends; each has a text + HTML template pair of that name."""

    ACKNOWLEDGEMENT = "acknowledgement"
    LOCAL_REP_APPLICANT = "local_rep_applicant"
    LOCAL_REP_NOTICE = "local_rep_notice"
    STAFF_REMINDER = "staff_reminder"
    REJECTED = "rejected"
    CHANGES_REQUESTED = "changes_requested"
    AMENDMENT_RECEIVED = "amendment_received"
    EXPIRED = "expired"
    WELCOME = "welcome"
    ACCESS_READY = "access_ready"
    TRAINING_INSTRUCTIONS = "training_instructions"
    TRAINING_REMINDER = "training_reminder"
    TRAINING_EXPIRED = "training_expired"
    PASSWORD_SETUP = "password_setup"
    CREDENTIALS_REISSUED = "credentials_reissued"
    SIGN_IN_LINK = "sign_in_link"
    ACCOUNT_CHANGE = "account_change"
    STAFF_CHANGE_APPROVAL = "staff_change_approval"


@dataclass(frozen=True)
class MailOrder:
    """Send one e-mail once. The activity loads names and addresses from the store by id, so
    the workflow history carries identifiers only."""

    key: str
    mail: Mail
    enrollment_id: str | None = None
    user_id: str | None = None
    provider_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


# ---- provisioning and users -------------------------------------------------------------------


@dataclass(frozen=True)
class ProvisionedUser:
    user_id: str
    role: str


@dataclass(frozen=True)
class Credentials:
    """Identifiers of issued credentials; the secret never leaves the activity."""

    username: str
    facility_id: str


@dataclass(frozen=True)
class CredentialIssue:
    """Issue data-exchange credentials once per ``issue_key``; a new key re-issues."""

    provider_id: str
    issue_key: str
    by: str


@dataclass(frozen=True)
class UserActivationInput:
    user_id: str
    role: str
    provider_id: str
    reason: str = "enrollment"
    training_days: int = 30
    activity_timeout_seconds: float = 30.0


@dataclass(frozen=True)
class TrainingCompleted:
    kind: str
    by: str
    date: str = ""


@dataclass(frozen=True)
class DeadlineExtension:
    days: int
    by: str


@dataclass(frozen=True)
class UserStateChange:
    user_id: str
    state: str
    step: str
    actor: str = "system"
    deadline: str | None = None
    training: TrainingCompleted | None = None


@dataclass
class ActivationStatus:
    user_id: str
    role: str
    state: str
    deadline: str | None = None
    reminders_sent: int = 0


class Activity(StrEnum):
    """Activity names, so workflows call activities without importing their code."""

    VALIDATE_REQUEST = "validate_request"
    REGISTER_ENROLLMENT = "register_enrollment"
    RECORD_STAGE = "record_stage"
    RECORD_AMENDMENT = "record_amendment"
    SEND_MAIL = "send_mail"
    PROVISION_PROVIDER_ID = "provision_provider_id"
    CREATE_USERS = "create_users"
    ISSUE_CREDENTIALS = "issue_credentials"
    SET_USER_STATE = "set_user_state"
    APPLY_ACCOUNT_CHANGE = "apply_account_change"
    DECIDE_ACCOUNT_CHANGE = "decide_account_change"
    EXPIRE_SIGN_IN_LINK = "expire_sign_in_link"
