"""Contracts of the OrganizationWorkflow: account changes as Updates, staff decisions on the
changes that wait for them (raises, a provider of record, a closure), the pending-changes query,
and the activities that apply and decide changes. Shapes read back from recorded histories only
gain fields with defaults, at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from cair.domain.access import AccessLevel, Role
from cair.domain.account_changes import ChangeKind, ChangeStatus, InfoUpdate, UserUpdate
from cair.domain.contracts._compat import AsRecorded
from cair.domain.request import ProviderOfRecord, RequestedUser


@dataclass(frozen=True)
class AccountChange:
    """One change. ``change_id`` makes a client retry harmless within the organization;
    ``requested_by`` is the representative's e-mail (from the session, never typed in)."""

    change_id: str
    kind: ChangeKind
    requested_by: str
    user_id: str | None = None
    role: Role | None = None
    # As sent: what the rules refuse is recorded too (the change is refused, in an activity).
    new_user: Annotated[RequestedUser | None, AsRecorded(RequestedUser)] = None
    info: Annotated[InfoUpdate | None, AsRecorded(InfoUpdate)] = None
    user_update: Annotated[UserUpdate | None, AsRecorded(UserUpdate)] = None
    email: str | None = None  # the representative a removal is about (not always a user)
    # The site (Site ID) an info update or a closure is about; None: the main site.
    site_id: str | None = None
    name: str | None = None  # the organization's new name, as sent
    provider_of_record: Annotated[ProviderOfRecord | None, AsRecorded(ProviderOfRecord)] = None
    reason: str | None = None  # why the organization closes, for registry staff


@dataclass(frozen=True)
class ChangeResult:
    change_id: str
    kind: ChangeKind
    status: ChangeStatus
    message: str
    user_id: str | None = None


@dataclass(frozen=True)
class ApplyChange:
    provider_id: str
    change: AccountChange
    now: str  # workflow time, ISO 8601: training age is measured against it


@dataclass(frozen=True)
class ChangeOutcome:
    """What applying did, and what the workflow must do next (flat: recorded histories hold
    this shape)."""

    result: ChangeResult
    start_gate: bool = False
    gate_role: Role | None = None
    gate_workflow_id: str | None = None
    stop_gate_workflow_id: str | None = None
    notify: bool = True
    # Every training gate to stop besides ``stop_gate_workflow_id`` (a closure stops them all),
    # and the data-exchange onboarding workflows to stop (a closed site's).
    stop_gate_workflow_ids: list[str] = field(default_factory=list)
    stop_dx_workflow_ids: list[str] = field(default_factory=list)
    # A new primary contact confirms their address by an e-mailed link before staff approve.
    confirm_email: str | None = None


@dataclass(frozen=True)
class ChangeDecision:
    """Staff approve or reject a change that waits for them."""

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
    access_level: AccessLevel
    region: str
    history_threshold: int = 500
    activity_timeout_seconds: float = 30.0
    queue: list[AccountChange] = field(default_factory=list)
    awaiting_approval: list[AccountChange] = field(default_factory=list)
    results: dict[str, ChangeResult] = field(default_factory=dict)
    runs: int = 1
    closed: bool = False  # the organization closed: no change is taken any more


@dataclass
class PendingChanges:
    provider_id: str
    queued: list[ChangeResult]
    awaiting_approval: list[ChangeResult]
    run: int
