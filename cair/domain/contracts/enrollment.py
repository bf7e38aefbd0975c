"""Contracts of the EnrollmentWorkflow: its input, the staff's and applicant's updates, its status
query, and the enrollment-record and provisioning activities it runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from cair.domain.access import AccessLevel, Role
from cair.domain.contracts._compat import AsRecorded, OptionalEnum
from cair.domain.contracts.data_exchange import TestPlan
from cair.domain.request import EnrollmentRequest
from cair.domain.stages import Stage
from cair.domain.user_states import UserState

# A request checked by the rules of its day: read back as recorded where they are stricter now.
RecordedRequest = Annotated[EnrollmentRequest, AsRecorded(EnrollmentRequest)]


@dataclass(frozen=True)
class EnrollmentInput:
    enrollment_id: str
    request: RecordedRequest
    activity_timeout_seconds: float = 30.0
    org_history_threshold: int = 500
    # The primary contact confirms their address by link before staff see the request; False in
    # the histories of requests started before it was asked.
    confirm_address: bool = False


# ---- activities -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationOutcome:
    """What the validate activity found: problems (``path: message``) or the routing facts."""

    problems: list[str]
    access_level: OptionalEnum[AccessLevel] = None
    county: str = ""
    region_key: str = ""
    region_name: str = ""
    enrolls_online: bool = True
    region_map_version: str = ""


@dataclass(frozen=True)
class AddressConfirmation:
    """The primary contact opened the e-mailed link (checked by the API before it is sent)."""

    by: str = "primary contact"


@dataclass(frozen=True)
class RegisterEnrollment:
    enrollment_id: str
    request: RecordedRequest
    access_level: AccessLevel
    county: str
    region_key: str
    region_map_version: str | None = None


@dataclass(frozen=True)
class RegisterOutcome:
    duplicate_of: str | None


@dataclass(frozen=True)
class StageChange:
    """Record a stage in the store, with the audit entry; ``step`` keys it for retries."""

    enrollment_id: str
    stage: Stage
    step: str
    actor: str = "system"
    note: str | None = None


@dataclass(frozen=True)
class AmendRecord:
    enrollment_id: str
    request: RecordedRequest
    access_level: AccessLevel
    step: str
    actor: str = "applicant"


@dataclass(frozen=True)
class ProvisionedUser:
    user_id: str
    role: Role


@dataclass(frozen=True)
class RegisterRequest:
    """The enrollment's first step: validate, route, register and record where it goes."""

    enrollment_id: str
    request: RecordedRequest
    confirm_first: bool = False  # an online request waits for its contact's confirmation


@dataclass(frozen=True)
class Registration:
    """What ``register_request`` found: the routing (problems, if any) and a duplicate."""

    routing: ValidationOutcome
    duplicate_of: str | None = None


@dataclass(frozen=True)
class ProvisionOrder:
    """Provisioning, after approval: the staff decision's stage record, the Provider ID, the
    users and (data exchange: ``with_credentials``) the first site's registration for data
    exchange with its staging credentials, in one activity."""

    enrollment_id: str
    decision: StageChange
    with_credentials: bool


@dataclass(frozen=True)
class ProvisionedAccount:
    provider_id: str
    users: list[ProvisionedUser]
    # The first site, registered for data exchange with its staging credentials issued: its
    # onboarding starts there. None for other organizations (and in recorded histories).
    dx_site_id: str | None = None
    dx_plan: TestPlan | None = None  # the staging test plan its onboarding follows


# ---- updates ----------------------------------------------------------------------------------


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
    request: RecordedRequest


# ---- status query -----------------------------------------------------------------------------


@dataclass
class UserStatus:
    user_id: str
    role: Role
    state: UserState


@dataclass
class EnrollmentStatus:
    """What the ``status`` query answers; identifiers and states only, no personal data."""

    id: str
    stage: Stage
    region: str = ""
    access_level: OptionalEnum[AccessLevel] = None
    org_type: str = ""
    provider_id: str | None = None
    users: list[UserStatus] = field(default_factory=list)
    note: str | None = None
    reminders_sent: int = 0
    next_reminder_at: str | None = None
    expires_at: str | None = None
