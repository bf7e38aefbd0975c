"""Account changes an authorized representative asks for after enrollment, and their outcomes.
Shared by the OrganizationWorkflow, its activities and the clients."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from cair.domain.request import Address, Contacts, RequestedUser


class ChangeKind(StrEnum):
    UPDATE_INFO = "update_info"
    ADD_USER = "add_user"
    INACTIVATE_USER = "inactivate_user"
    REACTIVATE_USER = "reactivate_user"
    CHANGE_ROLE = "change_role"
    NAME_REPRESENTATIVE = "name_representative"
    REMOVE_REPRESENTATIVE = "remove_representative"


class ChangeStatus(StrEnum):
    QUEUED = "queued"
    APPLIED = "applied"
    AWAITING_APPROVAL = "awaiting_approval"
    REFUSED = "refused"
    REJECTED = "rejected"


class InfoUpdate(BaseModel):
    """New organization/site information; only the fields given change. The county is not
    here on purpose: moving county is a new enrollment."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    contacts: Contacts | None = None
    physical_address: Address | None = None
    mailing_address: Address | None = None
    vaccine_delivery_address: Address | None = None
    vfc_pin: str | None = None


@dataclass(frozen=True)
class AccountChange:
    """One change. ``change_id`` makes a client retry harmless; ``requested_by`` is the
    representative's e-mail (from the session, never typed in)."""

    change_id: str
    kind: ChangeKind
    requested_by: str
    user_id: str | None = None
    role: str | None = None
    new_user: RequestedUser | None = None
    info: InfoUpdate | None = None


@dataclass(frozen=True)
class ChangeResult:
    change_id: str
    kind: str
    status: str
    message: str
    user_id: str | None = None


@dataclass(frozen=True)
class ApplyChange:
    provider_id: str
    change: AccountChange
    now: str  # workflow time, ISO 8601: training age is measured against it


@dataclass(frozen=True)
class ChangeOutcome:
    """What applying did, and what the workflow must do next."""

    result: ChangeResult
    start_gate: bool = False
    gate_role: str | None = None
    gate_workflow_id: str | None = None
    stop_gate_workflow_id: str | None = None
    notify: bool = True


@dataclass(frozen=True)
class ChangeDecision:
    """Staff approve or reject a change that raises access."""

    change_id: str
    approve: bool
    by: str
    reason: str = ""


@dataclass(frozen=True)
class DecideChange:
    provider_id: str
    decision: ChangeDecision
    now: str


@dataclass
class OrganizationInput:
    provider_id: str
    org_type: str
    access_level: str
    region: str
    history_threshold: int = 500
    activity_timeout_seconds: float = 30.0
    queue: list[AccountChange] = field(default_factory=list)
    awaiting_approval: list[AccountChange] = field(default_factory=list)
    results: dict[str, ChangeResult] = field(default_factory=dict)
    runs: int = 1


@dataclass
class PendingChanges:
    provider_id: str
    queued: list[ChangeResult]
    awaiting_approval: list[ChangeResult]
    run: int


@dataclass(frozen=True)
class SignInInput:
    provider_id: str
    representative_id: int
    ttl_minutes: int = 15
    activity_timeout_seconds: float = 30.0


# A trained Regular/Power user who was away longer than this retakes training on reactivation.
TRAINING_VALID_DAYS = 365
