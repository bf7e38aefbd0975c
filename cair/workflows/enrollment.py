"""EnrollmentWorkflow (id ``enrollment-<request id>``): one organization's way from an online
request to an account.

validate → duplicate check → route (local representative: tell both, end) → acknowledge → staff
review (approve / reject / request changes; the applicant amends) with reminders every two
business days and expiry after 30 days → provision → welcome e-mail → one
UserActivationWorkflow per user → completed.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError, CancelledError, ChildWorkflowError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from cair.domain.access import AccessLevel
    from cair.domain.account import OrganizationInput
    from cair.domain.business_days import add_business_days
    from cair.domain.contracts import (
        STAGE_EXPLANATIONS,
        Activity,
        Amendment,
        AmendRecord,
        ChangeRequest,
        CredentialIssue,
        Credentials,
        EnrollmentInput,
        EnrollmentStatus,
        Mail,
        MailOrder,
        ProvisionedUser,
        RegisterEnrollment,
        RegisterOutcome,
        Rejection,
        StaffDecision,
        Stage,
        StageChange,
        UserActivationInput,
        UserState,
        UserStatus,
        ValidationOutcome,
    )
    from cair.domain.dates import long_date
    from cair.domain.request import EnrollmentRequest
    from cair.temporal import search_attributes as sa
    from cair.workflows.activity_calls import call
    from cair.workflows.organization import OrganizationWorkflow
    from cair.workflows.user_activation import UserActivationWorkflow

REMINDER_BUSINESS_DAYS = 2
REVIEW_EXPIRY = timedelta(days=30)


@dataclass(frozen=True)
class _Decision:
    stage: Stage
    by: str
    note: str | None


@workflow.defn
class EnrollmentWorkflow:
    @workflow.init
    def __init__(self, start: EnrollmentInput) -> None:
        self._id = start.enrollment_id
        self._stage = Stage.VALIDATING
        self._request: EnrollmentRequest | None = start.request
        self._routing = ValidationOutcome(problems=[])
        self._timeout = start.activity_timeout_seconds
        self._org_history_threshold = start.org_history_threshold
        self._provider_id: str | None = None
        self._users: list[UserStatus] = []
        self._note: str | None = None
        self._decisions: list[_Decision] = []
        self._amending = False
        self._changed = False
        self._reminders = 0
        self._review_since: datetime | None = None
        self._next_reminder: datetime | None = None
        self._expires_at: datetime | None = None
        self._review_rounds = 0

    # ---- the run --------------------------------------------------------------------------

    @workflow.run
    async def run(self, start: EnrollmentInput) -> EnrollmentStatus:
        self._routing = await self._call(
            Activity.VALIDATE_REQUEST, start.request, ValidationOutcome
        )
        if self._routing.problems:
            # Clients validate before starting; this catches rules that changed in between.
            self._stage = Stage.INVALID
            self._note = "; ".join(self._routing.problems)
            workflow.upsert_search_attributes([sa.ENROLLMENT_STAGE.value_set(self._stage.value)])
            return self.status()
        self._upsert_search_attributes()
        registered = await self._call(
            Activity.REGISTER_ENROLLMENT,
            RegisterEnrollment(
                enrollment_id=self._id,
                request=start.request,
                access_level=self._routing.access_level,
                county=self._routing.county,
                region_key=self._routing.region_key,
            ),
            RegisterOutcome,
        )
        if registered.duplicate_of:
            self._note = f"already enrolled or in progress as enrollment {registered.duplicate_of}"
            await self._set_stage(Stage.REFUSED_DUPLICATE, step="duplicate", note=self._note)
            return self.status()

        if not self._routing.enrolls_online:
            await self._mail(Mail.LOCAL_REP_APPLICANT, "local-rep-applicant")
            await self._mail(Mail.LOCAL_REP_NOTICE, "local-rep-notice")
            await self._set_stage(Stage.ROUTED_TO_LOCAL_REPRESENTATIVE, step="routed")
            return self.status()

        self._open_review()
        await self._set_stage(Stage.AWAITING_REVIEW, step="awaiting-review")
        await self._mail(Mail.ACKNOWLEDGEMENT, "acknowledgement")
        if await self._review():
            await self._provision()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    async def _review(self) -> bool:
        """Wait for staff (and the applicant) until approval, rejection or expiry."""
        while True:
            await self._apply_decisions()
            if self._stage in (Stage.PROVISIONING, Stage.REJECTED):
                return self._stage == Stage.PROVISIONING
            assert self._expires_at is not None and self._next_reminder is not None
            now = workflow.now()
            if now >= self._expires_at and not self._amending:
                await self._set_stage(Stage.EXPIRED, step="expired")
                await self._mail(Mail.EXPIRED, "expired", days=str(REVIEW_EXPIRY.days))
                return False
            wake = self._expires_at
            if self._stage == Stage.AWAITING_REVIEW:
                if now >= self._next_reminder:
                    await self._remind()
                    continue
                wake = min(wake, self._next_reminder)
            self._changed = False
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._changed, timeout=wake - now)

    async def _remind(self) -> None:
        assert self._next_reminder is not None and self._review_since is not None
        assert self._expires_at is not None
        self._reminders += 1
        await self._mail(
            Mail.STAFF_REMINDER,
            f"review-{self._review_round()}/reminder-{self._reminders}",
            reminder_number=str(self._reminders),
            business_days=str(REMINDER_BUSINESS_DAYS * self._reminders),
            waiting_since=long_date(self._review_since),
            expires_on=long_date(self._expires_at),
        )
        self._next_reminder = add_business_days(self._next_reminder, REMINDER_BUSINESS_DAYS)

    async def _apply_decisions(self) -> None:
        """Record what the update handlers decided, in the order they were accepted."""
        while self._decisions:
            decision = self._decisions.pop(0)
            step = f"review-{self._review_round()}/{decision.stage.value}"
            await self._set_stage(decision.stage, step=step, actor=decision.by, note=decision.note)
            if decision.stage == Stage.REJECTED:
                await self._mail(Mail.REJECTED, step, reason=decision.note or "")
            elif decision.stage == Stage.CHANGES_REQUESTED:
                assert self._expires_at is not None
                await self._mail(
                    Mail.CHANGES_REQUESTED,
                    step,
                    message=decision.note or "",
                    expires_on=long_date(self._expires_at),
                )

    async def _provision(self) -> None:
        self._provider_id = await self._call(Activity.PROVISION_PROVIDER_ID, self._id, str)
        workflow.upsert_search_attributes([sa.PROVIDER_ID.value_set(self._provider_id)])
        users = await self._call(Activity.CREATE_USERS, self._id, list[ProvisionedUser])
        self._users = [
            UserStatus(
                user_id=u.user_id,
                role=u.role,
                state=UserState.PENDING_TRAINING
                if u.role in ("regular", "power")
                else UserState.ACTIVE,
            )
            for u in users
        ]
        if self._routing.access_level == AccessLevel.DATA_EXCHANGE:
            await self._call(
                Activity.ISSUE_CREDENTIALS,
                CredentialIssue(
                    provider_id=self._provider_id,
                    issue_key=f"{self._id}/credentials",
                    by="enrollment",
                ),
                Credentials,
            )
        await self._mail(Mail.WELCOME, "welcome")
        await self._set_stage(Stage.AWAITING_TRAINING, step="awaiting-training")
        await self._open_account()
        await asyncio.gather(*(self._activate(user) for user in self._users))
        await self._set_stage(Stage.COMPLETED, step="completed")

    async def _open_account(self) -> None:
        """Start the organization's account workflow as soon as the account exists, so its
        representative can manage users while others are still in training."""
        assert self._provider_id is not None and self._request is not None
        await workflow.start_child_workflow(
            OrganizationWorkflow.run,
            OrganizationInput(
                provider_id=self._provider_id,
                org_type=self._request.organization.type,
                access_level=self._routing.access_level,
                region=self._routing.region_key,
                history_threshold=self._org_history_threshold,
                activity_timeout_seconds=self._timeout,
            ),
            id=f"org-{self._provider_id}",
            parent_close_policy=ParentClosePolicy.ABANDON,
        )

    async def _activate(self, user: UserStatus) -> None:
        try:
            user.state = await workflow.execute_child_workflow(
                UserActivationWorkflow.run,
                UserActivationInput(
                    user_id=user.user_id,
                    role=user.role,
                    provider_id=self._provider_id or "",
                    activity_timeout_seconds=self._timeout,
                ),
                id=f"user-{user.user_id}",
                parent_close_policy=ParentClosePolicy.ABANDON,
            )
        except ChildWorkflowError as ended:
            # The representative inactivated or changed the user meanwhile: settled elsewhere.
            if not isinstance(ended.cause, CancelledError):
                raise
            user.state = "changed by account update"

    # ---- staff and applicant actions (Temporal Updates) -----------------------------------

    @workflow.update
    async def approve(self, decision: StaffDecision) -> EnrollmentStatus:
        self._decide(Stage.PROVISIONING, decision.by, None)
        return self.status()

    @approve.validator
    def _validate_approve(self, decision: StaffDecision) -> None:
        _require_name(decision.by)
        self._require_stage("approve", Stage.AWAITING_REVIEW)

    @workflow.update
    async def reject(self, rejection: Rejection) -> EnrollmentStatus:
        self._decide(Stage.REJECTED, rejection.by, rejection.reason.strip())
        return self.status()

    @reject.validator
    def _validate_reject(self, rejection: Rejection) -> None:
        _require_name(rejection.by)
        if not rejection.reason.strip():
            raise ValueError("reason: a rejection needs a reason the applicant can act on")
        self._require_stage("reject", Stage.AWAITING_REVIEW, Stage.CHANGES_REQUESTED)

    @workflow.update
    async def request_changes(self, change: ChangeRequest) -> EnrollmentStatus:
        self._decide(Stage.CHANGES_REQUESTED, change.by, change.message.strip())
        return self.status()

    @request_changes.validator
    def _validate_request_changes(self, change: ChangeRequest) -> None:
        _require_name(change.by)
        if not change.message.strip():
            raise ValueError("message: say what the applicant must change")
        self._require_stage("request changes to", Stage.AWAITING_REVIEW)

    @workflow.update
    async def amend(self, amendment: Amendment) -> EnrollmentStatus:
        """The applicant's corrected request: re-validated, then back to staff review."""
        self._amending = True
        try:
            outcome = await self._call(
                Activity.VALIDATE_REQUEST, amendment.request, ValidationOutcome
            )
            if outcome.problems:
                raise ApplicationError(
                    "the amended request is invalid:\n" + "\n".join(outcome.problems),
                    outcome.problems,
                    type="InvalidRequest",
                    non_retryable=True,
                )
            if outcome.county != self._routing.county:
                raise ApplicationError(
                    "organization.county: the county cannot change in an amendment; "
                    "submit a new enrollment for the other county",
                    type="InvalidRequest",
                    non_retryable=True,
                )
            await self._call(
                Activity.RECORD_AMENDMENT,
                AmendRecord(
                    enrollment_id=self._id,
                    request=amendment.request,
                    access_level=outcome.access_level,
                    step=f"review-{self._review_round()}/amended",
                ),
                None,
            )
            self._request = amendment.request
            self._routing = outcome
            self._upsert_search_attributes()
            self._open_review()
            await self._set_stage(Stage.AWAITING_REVIEW, step=f"review-{self._review_round()}/open")
            await self._mail(Mail.AMENDMENT_RECEIVED, f"review-{self._review_round()}/amendment")
        finally:
            self._amending = False
            self._changed = True
        return self.status()

    @amend.validator
    def _validate_amend(self, amendment: Amendment) -> None:
        if self._amending:
            raise ValueError(f"enrollment {self._id}: an amendment is already being processed")
        if self._stage != Stage.CHANGES_REQUESTED:
            raise ValueError(
                f"enrollment {self._id} is {self._stage.value}: amend only after staff request "
                "changes"
            )

    @workflow.query
    def status(self) -> EnrollmentStatus:
        return EnrollmentStatus(
            id=self._id,
            stage=self._stage.value,
            region=self._routing.region_key,
            access_level=self._routing.access_level,
            org_type=self._request.organization.type if self._request else "",
            provider_id=self._provider_id,
            users=list(self._users),
            note=self._note,
            reminders_sent=self._reminders,
            next_reminder_at=self._next_reminder.isoformat()
            if self._next_reminder and self._stage == Stage.AWAITING_REVIEW
            else None,
            expires_at=self._expires_at.isoformat()
            if self._expires_at and self._stage in (Stage.AWAITING_REVIEW, Stage.CHANGES_REQUESTED)
            else None,
        )

    # ---- helpers --------------------------------------------------------------------------

    def _decide(self, stage: Stage, by: str, note: str | None) -> None:
        """Take the decision at once (so a second, racing update is refused), record it later."""
        self._stage = stage
        self._note = note
        self._decisions.append(_Decision(stage=stage, by=by.strip(), note=note))
        self._changed = True

    def _require_stage(self, action: str, *allowed: Stage) -> None:
        if self._amending:
            raise ValueError(f"enrollment {self._id} is being amended; try again in a moment")
        if self._stage in allowed:
            return
        raise ValueError(
            f"cannot {action} enrollment {self._id}: it {STAGE_EXPLANATIONS[self._stage]}"
        )

    def _open_review(self) -> None:
        now = workflow.now()
        self._review_since = now
        self._next_reminder = add_business_days(now, REMINDER_BUSINESS_DAYS)
        self._expires_at = now + REVIEW_EXPIRY
        self._reminders = 0
        self._stage = Stage.AWAITING_REVIEW
        self._review_rounds += 1

    def _review_round(self) -> int:
        return self._review_rounds

    async def _set_stage(
        self, stage: Stage, *, step: str, actor: str = "system", note: str | None = None
    ) -> None:
        # Staff decisions set the stage in their handler already; recording one later must not
        # overwrite a newer decision (request changes, then reject, both queued).
        if stage not in (Stage.PROVISIONING, Stage.REJECTED, Stage.CHANGES_REQUESTED):
            self._stage = stage
        workflow.upsert_search_attributes([sa.ENROLLMENT_STAGE.value_set(stage.value)])
        await self._call(
            Activity.RECORD_STAGE,
            StageChange(
                enrollment_id=self._id, stage=stage.value, step=step, actor=actor, note=note
            ),
            None,
        )

    def _upsert_search_attributes(self) -> None:
        assert self._request is not None
        workflow.upsert_search_attributes(
            [
                sa.CAIR_REGION.value_set(self._routing.region_key),
                sa.ORG_TYPE.value_set(self._request.organization.type),
                sa.ACCESS_LEVEL.value_set(self._routing.access_level),
                sa.ENROLLMENT_STAGE.value_set(self._stage.value),
            ]
        )

    async def _mail(self, mail: Mail, step: str, **extra: str) -> None:
        order = MailOrder(key=f"{self._id}/{step}", mail=mail, enrollment_id=self._id, extra=extra)
        await self._call(Activity.SEND_MAIL, order, str)

    async def _call(self, name: Activity, arg: object, result_type: type | None) -> Any:
        return await call(name, arg, timeout_seconds=self._timeout, result_type=result_type)


def _require_name(by: str) -> None:
    if not by.strip():
        raise ValueError("by: name the staff member who takes this action")
