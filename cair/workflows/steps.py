"""How workflows run activities: one typed method per activity, named by the ``Activity`` enum,
with a retry policy fitted to what the activity touches.

Activities are idempotent, so retrying is always safe; what a retry cannot mend (bad data, a
refused address) is raised as a non-retryable ``BadData`` failure. When a step fails for good the
workflow is not failed: ``on_failure`` (the workflow's own) records an incident, tells staff and
waits for them, then the step runs again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, CancelledError, FailureError

with workflow.unsafe.imports_passed_through():
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
        ProvisionOrder,
        RegisterRequest,
        Registration,
        StageChange,
        ValidationOutcome,
    )
    from cair.domain.contracts.failures import BAD_DATA, Incident
    from cair.domain.contracts.mail import MailOrder
    from cair.domain.contracts.organization import ApplyChange, ChangeOutcome, DecideChange
    from cair.domain.contracts.retention import PurgeCounts, PurgeOrder
    from cair.domain.contracts.user_activation import UserStateChange
    from cair.domain.request import EnrollmentRequest

T = TypeVar("T")

# Store writes and computations: a database restart is ridden out (about 25 minutes of tries).
_STORE = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=50,
    non_retryable_error_types=[BAD_DATA],
)
# E-mail: an SMTP relay may be down for hours; keep trying for about three before staff hear.
_MAIL = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
    maximum_attempts=200,
    non_retryable_error_types=[BAD_DATA],
)
# Validation is pure: if it fails other than by refusing, a few tries show it is a bug.
_PURE = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=5,
    non_retryable_error_types=[BAD_DATA],
)
# Recording an incident carries identifiers only and is what a failure falls back on: it must
# not give up while the store is away.
_INCIDENT = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
)

RETRY_POLICIES: dict[Activity, RetryPolicy] = {
    Activity.VALIDATE_REQUEST: _PURE,
    Activity.RECORD_STAGE: _STORE,
    Activity.RECORD_AMENDMENT: _STORE,
    Activity.REGISTER_REQUEST: _STORE,
    Activity.PROVISION_ACCOUNT: _STORE,
    Activity.ISSUE_CREDENTIALS: _STORE,
    Activity.SET_USER_STATE: _STORE,
    Activity.APPLY_ACCOUNT_CHANGE: _STORE,
    Activity.DECIDE_ACCOUNT_CHANGE: _STORE,
    Activity.EXPIRE_SIGN_IN_LINK: _STORE,
    Activity.RECORD_DX_STAGE: _STORE,
    Activity.ISSUE_DX_CREDENTIALS: _STORE,
    Activity.DX_PROGRESS: _STORE,
    Activity.SEND_MAIL: _MAIL,
    Activity.RECORD_INCIDENT: _INCIDENT,
    Activity.PURGE_EXPIRED: _STORE,
}

OnFailure = Callable[[str, ActivityError], Awaitable[None]]


class Steps:
    """The activities, typed. ``on_failure(step, error)`` is awaited when a step fails for good;
    it returns when the step may be tried again. Without it the failure is raised."""

    def __init__(self, *, timeout_seconds: float, on_failure: OnFailure | None = None) -> None:
        self._timeout = timedelta(seconds=timeout_seconds)
        self._on_failure = on_failure

    # ---- enrollment records ---------------------------------------------------------------

    async def validate_request(self, request: EnrollmentRequest) -> ValidationOutcome:
        return await self._run(Activity.VALIDATE_REQUEST, request, ValidationOutcome)

    async def register_request(self, order: RegisterRequest) -> Registration:
        """Local: the applicant waits on it, and it is idempotent like every activity here."""
        return await self._run(Activity.REGISTER_REQUEST, order, Registration, local=True)

    async def record_stage(self, change: StageChange, *, local: bool = False) -> None:
        """``local``: run inside the workflow task (one marker event instead of an activity
        task and a workflow task), for a stage record nothing else waits on."""
        await self._run(Activity.RECORD_STAGE, change, type(None), local=local)

    async def record_amendment(self, amendment: AmendRecord) -> None:
        await self._run(Activity.RECORD_AMENDMENT, amendment, type(None))

    # ---- provisioning ---------------------------------------------------------------------

    async def provision_account(self, order: ProvisionOrder) -> ProvisionedAccount:
        """Local: staff and the welcome e-mail wait on it; every part is keyed."""
        return await self._run(Activity.PROVISION_ACCOUNT, order, ProvisionedAccount, local=True)

    async def issue_credentials(self, order: CredentialIssue) -> Credentials:
        return await self._run(Activity.ISSUE_CREDENTIALS, order, Credentials)

    # ---- users and accounts ---------------------------------------------------------------

    async def set_user_state(self, change: UserStateChange, *, local: bool = False) -> None:
        await self._run(Activity.SET_USER_STATE, change, type(None), local=local)

    async def apply_account_change(self, order: ApplyChange) -> ChangeOutcome:
        return await self._run(Activity.APPLY_ACCOUNT_CHANGE, order, ChangeOutcome)

    async def decide_account_change(self, order: DecideChange) -> ChangeOutcome:
        return await self._run(Activity.DECIDE_ACCOUNT_CHANGE, order, ChangeOutcome)

    async def expire_sign_in_link(self, issue_key: str) -> None:
        await self._run(Activity.EXPIRE_SIGN_IN_LINK, issue_key, type(None))

    # ---- data-exchange sites --------------------------------------------------------------

    async def record_dx_stage(self, change: DxStageChange) -> None:
        await self._run(Activity.RECORD_DX_STAGE, change, type(None))

    async def issue_dx_credentials(self, order: DxCredentialIssue) -> Credentials:
        return await self._run(Activity.ISSUE_DX_CREDENTIALS, order, Credentials)

    async def dx_progress(self, query: DxProgressQuery) -> DxProgress:
        return await self._run(Activity.DX_PROGRESS, query, DxProgress)

    # ---- mail and incidents ---------------------------------------------------------------

    async def send_mail(self, order: MailOrder) -> str:
        return await self._run(Activity.SEND_MAIL, order, str, step=f"mail {order.mail.value}")

    async def record_incident(self, incident: Incident) -> None:
        """Never held: it is what holding a step does."""
        await self._execute(Activity.RECORD_INCIDENT, incident, type(None))

    # ---- retention ------------------------------------------------------------------------

    async def purge_expired(self, order: PurgeOrder) -> PurgeCounts:
        return await self._run(Activity.PURGE_EXPIRED, order, PurgeCounts)

    # ---- running --------------------------------------------------------------------------

    async def _run(
        self,
        name: Activity,
        arg: Any,
        result_type: type[T],
        *,
        step: str = "",
        local: bool = False,
    ) -> T:
        while True:
            try:
                return await self._execute(name, arg, result_type, local=local)
            except ActivityError as failed:
                if self._on_failure is None:
                    raise
                await self._on_failure(step or name.value, failed)

    async def _execute(
        self, name: Activity, arg: Any, result_type: type[T], *, local: bool = False
    ) -> T:
        run = workflow.execute_local_activity if local else workflow.execute_activity
        try:
            result: T = await run(
                name.value,
                arg,
                start_to_close_timeout=self._timeout,
                retry_policy=RETRY_POLICIES[name],
                result_type=result_type,
            )
        except (ActivityError, CancelledError):
            raise
        except FailureError as failed:
            if not local:
                raise
            # A local activity's final failure arrives unwrapped; held like any other step.
            raise ActivityError(
                str(failed),
                scheduled_event_id=0,
                started_event_id=0,
                identity="",
                activity_type=name.value,
                activity_id="",
                retry_state=None,
            ) from failed
        return result


def failure_reason(error: ActivityError) -> str:
    """One line for staff: the activity and what it said (activities say it without personal
    data), or that it timed out."""
    said = str(error)
    cause = error.cause
    while isinstance(cause, FailureError):
        if cause.message:
            said = cause.message
            break
        cause = cause.cause
    return f"{error.activity_type}: {said}"[:500]
