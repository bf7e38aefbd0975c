"""Stub activities registered under the real names, so a workflow's branching is tested alone:
each stub records its call and answers what the test set, or fails as the test set."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.worker import Worker

from cair.domain import ids
from cair.domain.access import AccessLevel, Role
from cair.domain.account_changes import ChangeStatus
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.credentials import CredentialIssue, Credentials
from cair.domain.contracts.data_exchange import (
    DxCredentialIssue,
    DxProgress,
    DxProgressQuery,
    DxStageChange,
)
from cair.domain.contracts.enrollment import (
    AmendRecord,
    ProvisionedAccount,
    ProvisionedUser,
    ProvisionOrder,
    RegisterRequest,
    Registration,
    StageChange,
    ValidationOutcome,
)
from cair.domain.contracts.failures import BAD_DATA, Incident
from cair.domain.contracts.mail import MailOrder
from cair.domain.contracts.organization import (
    ApplyChange,
    ChangeOutcome,
    ChangeResult,
    DecideChange,
)
from cair.domain.contracts.retention import PurgeCounts, PurgeOrder
from cair.domain.contracts.user_activation import UserStateChange
from cair.domain.request import EnrollmentRequest
from cair.worker import WORKFLOW_RUNNER, WORKFLOWS


def bad_data(what: str) -> ApplicationError:
    return ApplicationError(what, type=BAD_DATA, non_retryable=True)


@dataclass
class Stubs:
    """What the stubs answer; ``fail`` maps an activity to how many calls fail first."""

    routing: ValidationOutcome = field(
        default_factory=lambda: ValidationOutcome(
            problems=[],
            access_level=AccessLevel.READ_ONLY,
            county="Humboldt",
            region_key="northern_california",
            region_name="Northern California",
        )
    )
    duplicate_of: str | None = None
    users: list[ProvisionedUser] = field(
        default_factory=lambda: [ProvisionedUser(user_id="U1000001", role=Role.READ_ONLY)]
    )
    outcome: Callable[[ApplyChange], ChangeOutcome] | None = None
    fail: dict[Activity, int] = field(default_factory=dict)
    calls: list[tuple[Activity, Any]] = field(default_factory=list)
    provider_ids: list[str] = field(default_factory=list)
    progress: DxProgress = field(default_factory=DxProgress)  # what a site's messages show

    def _called(self, name: Activity, arg: Any) -> None:
        self.calls.append((name, arg))
        if self.fail.get(name, 0) > 0:
            self.fail[name] -= 1
            raise bad_data(f"{name.value} refused the data (stub)")

    def args(self, name: Activity) -> list[Any]:
        return [arg for called, arg in self.calls if called == name]

    @activity.defn(name=Activity.VALIDATE_REQUEST)
    async def validate_request(self, request: EnrollmentRequest) -> ValidationOutcome:
        self._called(Activity.VALIDATE_REQUEST, request)
        return self.routing

    @activity.defn(name=Activity.REGISTER_REQUEST)
    async def register_request(self, order: RegisterRequest) -> Registration:
        self._called(Activity.REGISTER_REQUEST, order)
        if self.routing.problems:
            return Registration(routing=self.routing)
        return Registration(routing=self.routing, duplicate_of=self.duplicate_of)

    @activity.defn(name=Activity.RECORD_STAGE)
    async def record_stage(self, change: StageChange) -> None:
        self._called(Activity.RECORD_STAGE, change)

    @activity.defn(name=Activity.RECORD_AMENDMENT)
    async def record_amendment(self, amendment: AmendRecord) -> None:
        self._called(Activity.RECORD_AMENDMENT, amendment)

    @activity.defn(name=Activity.PROVISION_ACCOUNT)
    async def provision_account(self, order: ProvisionOrder) -> ProvisionedAccount:
        self._called(Activity.PROVISION_ACCOUNT, order)
        if not self.provider_ids:
            self.provider_ids.append(f"CA{uuid.uuid4().int % 900000 + 100000}")
        return ProvisionedAccount(provider_id=self.provider_ids[0], users=self.users)

    @activity.defn(name=Activity.ISSUE_CREDENTIALS)
    async def issue_credentials(self, order: CredentialIssue) -> Credentials:
        self._called(Activity.ISSUE_CREDENTIALS, order)
        return Credentials(username="dx", facility_id="CA100001-01")

    @activity.defn(name=Activity.SET_USER_STATE)
    async def set_user_state(self, change: UserStateChange) -> None:
        self._called(Activity.SET_USER_STATE, change)

    @activity.defn(name=Activity.APPLY_ACCOUNT_CHANGE)
    async def apply_account_change(self, order: ApplyChange) -> ChangeOutcome:
        self._called(Activity.APPLY_ACCOUNT_CHANGE, order)
        if self.outcome is not None:
            return self.outcome(order)
        change = order.change
        return ChangeOutcome(
            result=ChangeResult(change.change_id, change.kind, ChangeStatus.APPLIED, "applied")
        )

    @activity.defn(name=Activity.DECIDE_ACCOUNT_CHANGE)
    async def decide_account_change(self, order: DecideChange) -> ChangeOutcome:
        self._called(Activity.DECIDE_ACCOUNT_CHANGE, order)
        raise bad_data("not expected in these tests")

    @activity.defn(name=Activity.EXPIRE_SIGN_IN_LINK)
    async def expire_sign_in_link(self, issue_key: str) -> None:
        self._called(Activity.EXPIRE_SIGN_IN_LINK, issue_key)

    @activity.defn(name=Activity.SEND_MAIL)
    async def send_mail(self, order: MailOrder) -> str:
        self._called(Activity.SEND_MAIL, order)
        return f"<{order.key}@stub>"

    @activity.defn(name=Activity.RECORD_INCIDENT)
    async def record_incident(self, incident: Incident) -> None:
        self._called(Activity.RECORD_INCIDENT, incident)

    @activity.defn(name=Activity.RECORD_DX_STAGE)
    async def record_dx_stage(self, change: DxStageChange) -> None:
        self._called(Activity.RECORD_DX_STAGE, change)

    @activity.defn(name=Activity.ISSUE_DX_CREDENTIALS)
    async def issue_dx_credentials(self, order: DxCredentialIssue) -> Credentials:
        self._called(Activity.ISSUE_DX_CREDENTIALS, order)
        return Credentials(
            username=f"{order.site_id.lower()}-{order.environment.value}",
            facility_id=order.site_id,
        )

    @activity.defn(name=Activity.DX_PROGRESS)
    async def dx_progress(self, query: DxProgressQuery) -> DxProgress:
        self._called(Activity.DX_PROGRESS, query)
        return self.progress

    @activity.defn(name=Activity.PURGE_EXPIRED)
    async def purge_expired(self, order: PurgeOrder) -> PurgeCounts:
        self._called(Activity.PURGE_EXPIRED, order)
        return PurgeCounts()

    def all(self) -> list[Callable[..., Any]]:
        return [getattr(self, name.value) for name in Activity]


@asynccontextmanager
async def stub_worker(client: Client, stubs: Stubs) -> AsyncIterator[str]:
    """A worker of the real workflows and these stubs, on a task queue of its own. The
    organization workflows it opened are ended with it: the time-skipping server does not move
    its clock while a workflow task waits on a queue nobody polls."""
    queue = f"stubs-{uuid.uuid4().hex[:8]}"
    async with Worker(
        client,
        task_queue=queue,
        workflows=list(WORKFLOWS),
        activities=stubs.all(),
        workflow_runner=WORKFLOW_RUNNER,
    ):
        try:
            yield queue
        finally:
            for provider_id in stubs.provider_ids:
                with contextlib.suppress(RPCError):
                    await client.get_workflow_handle(
                        ids.organization_workflow_id(provider_id)
                    ).terminate("test over")
