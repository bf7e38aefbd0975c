"""EnrollmentWorkflow (id ``enrollment-<request id>``): one organization's way from an online
request to an account.

register (validate, check for duplicates and route in one step; a local representative's county:
tell both, end) → the primary contact confirms their address by link (7 days, or it expires) →
acknowledge → staff review (approve / reject / request changes; the applicant
amends) with reminders every two business days and expiry after 30 days → provision the account
(Provider ID, users, credentials in one step) → welcome e-mail → the account's workflow and one
UserActivationWorkflow per user, started together → completed.

A step that fails for good holds the enrollment in ``needs_attention``: staff are told, and the
step runs again when they ask (the ``retry`` update).

long because: the run and its update handlers share one state; split, they would pass it around.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributePair, SearchAttributeUpdate, TypedSearchAttributes
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    CancelledError,
    ChildWorkflowError,
    WorkflowAlreadyStartedError,
)
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from cair.domain import ids
    from cair.domain.access import AccessLevel, needs_training
    from cair.domain.business_days import add_business_days
    from cair.domain.contracts.data_exchange import DxOnboardingInput, DxResume, DxStage
    from cair.domain.contracts.enrollment import (
        AddressConfirmation,
        Amendment,
        AmendRecord,
        ChangeRequest,
        EnrollmentInput,
        EnrollmentStatus,
        ProvisionedAccount,
        ProvisionedUser,
        ProvisionOrder,
        RegisterRequest,
        Rejection,
        StaffDecision,
        StageChange,
        UserStatus,
        ValidationOutcome,
    )
    from cair.domain.contracts.failures import StaffRetry
    from cair.domain.contracts.mail import Mail, MailOrder
    from cair.domain.contracts.organization import OrganizationInput
    from cair.domain.contracts.user_activation import UserActivationInput
    from cair.domain.request import EnrollmentRequest
    from cair.domain.stages import (
        CONFIRMATION_WINDOW,
        STAGE_EXPLANATIONS,
        Stage,
        duplicate_note,
    )
    from cair.domain.user_states import UserState
    from cair.temporal import search_attributes as sa
    from cair.workflows.dx_onboarding import DataExchangeOnboardingWorkflow
    from cair.workflows.held_steps import Holding, Subject
    from cair.workflows.organization import OrganizationWorkflow
    from cair.workflows.steps import Steps
    from cair.workflows.user_activation import UserActivationWorkflow

# A Data Exchange organization's first site starts its onboarding when the account opens.
FIRST_SITE_ONBOARDS = "first-site-onboards"
# An online request waits for its primary contact to confirm their address before staff see it.
CONTACT_CONFIRMS_FIRST = "contact-confirms-first"
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
        self._steps = Steps(timeout_seconds=self._timeout, on_failure=self._hold)
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
        self._holding = Holding(timeout_seconds=self._timeout, key_prefix=self._id)
        self._approval: StageChange | None = None
        self._confirm_address = start.confirm_address
        self._address_confirmed = False

    # ---- the run --------------------------------------------------------------------------

    @workflow.run
    async def run(self, start: EnrollmentInput) -> EnrollmentStatus:
        if await self._register() and await self._confirmed():
            await self._mail(Mail.ACKNOWLEDGEMENT, "acknowledgement")
            if await self._review():
                await self._provision()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    async def _register(self) -> bool:
        """Validate, register and route in one step; True when the request awaits review."""
        assert self._request is not None
        confirm_first = self._confirm_address and workflow.patched(CONTACT_CONFIRMS_FIRST)
        registration = await self._steps.register_request(
            RegisterRequest(
                enrollment_id=self._id, request=self._request, confirm_first=confirm_first
            )
        )
        self._routing = registration.routing
        if self._routing.problems:
            # Clients validate before starting; this catches rules that changed in between.
            self._stage = Stage.INVALID
            self._note = "; ".join(self._routing.problems)
            workflow.upsert_search_attributes([sa.ENROLLMENT_STAGE.value_set(self._stage.value)])
            return False
        if registration.duplicate_of:
            self._stage = Stage.REFUSED_DUPLICATE
            self._note = duplicate_note(registration.duplicate_of)
            self._upsert_search_attributes()
            return False
        if not self._routing.enrolls_online:
            self._upsert_search_attributes()
            await self._mail(Mail.LOCAL_REP_APPLICANT, "local-rep-applicant")
            await self._mail(Mail.LOCAL_REP_NOTICE, "local-rep-notice")
            await self._set_stage(Stage.ROUTED_TO_LOCAL_REPRESENTATIVE, step="routed")
            return False
        if confirm_first:
            self._stage = Stage.AWAITING_CONFIRMATION  # recorded by register_request already
        else:
            self._open_review()  # recorded by register_request already
        self._upsert_search_attributes()
        return True

    async def _confirmed(self) -> bool:
        """The primary contact opens the e-mailed link before staff see the request: a stranger
        who types a clinic's public details gets no further. Unconfirmed, it expires quietly
        (the address may not be the sender's to write to)."""
        if self._stage != Stage.AWAITING_CONFIRMATION:
            return True
        self._expires_at = workflow.now() + CONFIRMATION_WINDOW
        await self._mail(Mail.CONFIRM_ADDRESS, "confirm-address", deadline=self._expires_at)
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self._address_confirmed, timeout=self._expires_at - workflow.now()
            )
        if not self._address_confirmed:
            self._note = (
                "the primary contact did not confirm their e-mail address within "
                f"{CONFIRMATION_WINDOW.days} days"
            )
            await self._set_stage(Stage.EXPIRED, step="unconfirmed", note=self._note)
            return False
        self._open_review()
        await self._set_stage(
            Stage.AWAITING_REVIEW, step="awaiting-review", actor="primary contact"
        )
        return True

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
                await self._mail(
                    Mail.EXPIRED, "expired", since=self._review_since, deadline=self._expires_at
                )
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
        assert self._next_reminder is not None
        self._reminders += 1
        await self._mail(
            Mail.STAFF_REMINDER,
            f"review-{self._review_rounds}/reminder-{self._reminders}",
            reminder=self._reminders,
            business_days=REMINDER_BUSINESS_DAYS * self._reminders,
            since=self._review_since,
            deadline=self._expires_at,
        )
        self._next_reminder = add_business_days(self._next_reminder, REMINDER_BUSINESS_DAYS)

    async def _apply_decisions(self) -> None:
        """Record what the update handlers decided, in the order they were accepted."""
        while self._decisions:
            decision = self._decisions.pop(0)
            step = f"review-{self._review_rounds}/{decision.stage.value}"
            if decision.stage == Stage.PROVISIONING:
                # Recorded by provision_account, in the same step as what it starts.
                self._approval = StageChange(
                    enrollment_id=self._id,
                    stage=decision.stage,
                    step=step,
                    actor=decision.by,
                    note=decision.note,
                )
                workflow.upsert_search_attributes(
                    [sa.ENROLLMENT_STAGE.value_set(decision.stage.value)]
                )
                continue
            await self._set_stage(decision.stage, step=step, actor=decision.by, note=decision.note)
            if decision.stage == Stage.REJECTED:
                await self._mail(Mail.REJECTED, step, note=decision.note)
            elif decision.stage == Stage.CHANGES_REQUESTED:
                await self._mail(
                    Mail.CHANGES_REQUESTED, step, note=decision.note, deadline=self._expires_at
                )

    async def _provision(self) -> None:
        assert self._approval is not None
        account = await self._steps.provision_account(
            ProvisionOrder(
                enrollment_id=self._id,
                decision=self._approval,
                with_credentials=self._routing.access_level == AccessLevel.DATA_EXCHANGE,
            )
        )
        self._provider_id = account.provider_id
        self._users = _statuses(account.users)
        await self._mail(Mail.WELCOME, "welcome")
        if account.dx_site_id and workflow.patched(FIRST_SITE_ONBOARDS):
            await self._start_onboarding(account)
        # The stage record, the account and every user gate start in one workflow task; the
        # two stage records run in the workflow task itself (local activities).
        await asyncio.gather(
            self._set_stage(
                Stage.AWAITING_TRAINING,
                step="awaiting-training",
                local=True,
                attributes=[sa.PROVIDER_ID.value_set(self._provider_id)],
            ),
            self._open_account(),
            *(self._activate(user) for user in self._users),
        )
        await self._set_stage(Stage.COMPLETED, step="completed", local=True)

    async def _open_account(self) -> None:
        """Start the organization's account workflow as soon as the account exists, so its
        representative can manage users while others are still in training."""
        assert self._provider_id is not None and self._request is not None
        assert self._routing.access_level is not None
        try:
            await self._start_account()
        except WorkflowAlreadyStartedError:
            # The account is open already (another run opened it): it serves as it is.
            workflow.logger.warning("account workflow of %s already running", self._provider_id)

    async def _start_account(self) -> None:
        assert self._provider_id is not None and self._request is not None
        assert self._routing.access_level is not None
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
            id=ids.organization_workflow_id(self._provider_id),
            parent_close_policy=ParentClosePolicy.ABANDON,
        )

    async def _start_onboarding(self, account: ProvisionedAccount) -> None:
        """The first site's data-exchange onboarding, from where provisioning left it: staging
        credentials issued (the welcome e-mail carried them), waiting for test messages."""
        assert account.dx_site_id is not None and account.dx_plan is not None
        try:
            await workflow.start_child_workflow(
                DataExchangeOnboardingWorkflow.run,
                DxOnboardingInput(
                    site_id=account.dx_site_id,
                    provider_id=account.provider_id,
                    plan=account.dx_plan,
                    activity_timeout_seconds=self._timeout,
                    resume=DxResume(
                        stage=DxStage.STAGING_CREDENTIALS_ISSUED,
                        after_message_id=0,
                        sent_back=0,
                        reminders=0,
                    ),
                ),
                id=ids.dx_onboarding_workflow_id(account.dx_site_id),
                parent_close_policy=ParentClosePolicy.ABANDON,
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(sa.PROVIDER_ID, account.provider_id),
                        SearchAttributePair(sa.CAIR_REGION, self._routing.region_key or ""),
                        SearchAttributePair(sa.DX_STAGE, DxStage.STAGING_CREDENTIALS_ISSUED.value),
                    ]
                ),
            )
        except WorkflowAlreadyStartedError:
            workflow.logger.warning("onboarding of site %s already running", account.dx_site_id)

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
                id=ids.user_gate_workflow_id(user.user_id),
                parent_close_policy=ParentClosePolicy.ABANDON,
            )
        except ChildWorkflowError as ended:
            # Cancelled: the representative changed or inactivated the user meanwhile, and an
            # account change settles the user. Anything else ended the gate outside this
            # service (terminated by an operator): the store keeps the user's last state.
            if not isinstance(ended.cause, CancelledError):
                workflow.logger.warning("gate of user %s ended: %s", user.user_id, ended)

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
            # Not held: a refusal here is the applicant's to read, and nothing has changed yet.
            outcome = await Steps(timeout_seconds=self._timeout).validate_request(amendment.request)
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
            assert outcome.access_level is not None
            await self._steps.record_amendment(
                AmendRecord(
                    enrollment_id=self._id,
                    request=amendment.request,
                    access_level=outcome.access_level,
                    step=f"review-{self._review_rounds}/amended",
                )
            )
            self._request = amendment.request
            self._routing = outcome
            self._upsert_search_attributes()
            self._open_review()
            await self._set_stage(Stage.AWAITING_REVIEW, step=f"review-{self._review_rounds}/open")
            await self._mail(Mail.AMENDMENT_RECEIVED, f"review-{self._review_rounds}/amendment")
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

    @workflow.update
    async def confirm_address(self, confirmation: AddressConfirmation) -> EnrollmentStatus:
        """The primary contact's link was opened: the request goes on to staff review."""
        self._address_confirmed = True
        await workflow.wait_condition(lambda: self._stage != Stage.AWAITING_CONFIRMATION)
        if self._stage == Stage.EXPIRED:  # the window closed as the link was opened
            raise ApplicationError(
                f"enrollment {self._id} expired unconfirmed; enroll again", type="Expired"
            )
        return self.status()

    @confirm_address.validator
    def _validate_confirm_address(self, confirmation: AddressConfirmation) -> None:
        if self._address_confirmed:
            raise ValueError(f"enrollment {self._id}: the address is confirmed already")
        self._require_stage("confirm the address of", Stage.AWAITING_CONFIRMATION)

    @workflow.update
    async def retry(self, retry: StaffRetry) -> EnrollmentStatus:
        """Staff mended what made a step fail: run it again."""
        self._holding.release(retry)
        return self.status()

    @retry.validator
    def _validate_retry(self, retry: StaffRetry) -> None:
        self._holding.validate_retry(retry, f"retry enrollment {self._id}")

    @workflow.update
    async def registered(self) -> EnrollmentStatus:
        """Answers ``submit`` (an Update-with-start) once the request is registered and
        routed, so the applicant learns where it went without polling."""
        await workflow.wait_condition(lambda: self._stage != Stage.VALIDATING)
        return self.status()

    @workflow.query
    def status(self) -> EnrollmentStatus:
        return EnrollmentStatus(
            id=self._id,
            stage=self._stage,
            region=self._routing.region_key,
            access_level=self._routing.access_level,
            org_type=self._request.organization.type if self._request else "",
            provider_id=self._provider_id,
            users=list(self._users),
            note=f"held at {self._holding.step}: {self._holding.reason}"
            if self._holding.held
            else self._note,
            reminders_sent=self._reminders,
            next_reminder_at=self._next_reminder.isoformat()
            if self._next_reminder and self._stage == Stage.AWAITING_REVIEW
            else None,
            expires_at=self._expires_at.isoformat()
            if self._expires_at
            and self._stage
            in (Stage.AWAITING_CONFIRMATION, Stage.AWAITING_REVIEW, Stage.CHANGES_REQUESTED)
            else None,
        )

    # ---- holding a failed step for staff --------------------------------------------------

    async def _hold(self, step: str, failure: ActivityError) -> None:
        """Hold the enrollment in needs_attention until staff ask for a retry."""
        held_from, note = self._stage, self._note
        self._stage = Stage.NEEDS_ATTENTION
        workflow.upsert_search_attributes([sa.ENROLLMENT_STAGE.value_set(self._stage.value)])
        retry = await self._holding.hold(
            step, failure, Subject(enrollment_id=self._id, provider_id=self._provider_id)
        )
        self._stage, self._note = held_from, note
        workflow.upsert_search_attributes([sa.ENROLLMENT_STAGE.value_set(self._stage.value)])
        await self._steps.record_stage(
            StageChange(
                enrollment_id=self._id,
                stage=self._stage,
                step=f"hold-{self._holding.count}/retry",
                actor=retry.by,
                note=f"retried {step}",
            )
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

    async def _set_stage(
        self,
        stage: Stage,
        *,
        step: str,
        actor: str = "system",
        note: str | None = None,
        local: bool = False,
        attributes: Sequence[SearchAttributeUpdate[Any]] = (),
    ) -> None:
        """Record ``stage``; ``attributes`` ride in the same search-attribute upsert."""
        # Staff decisions set the stage in their handler already; recording one later must not
        # overwrite a newer decision (request changes, then reject, both queued).
        if stage not in (Stage.PROVISIONING, Stage.REJECTED, Stage.CHANGES_REQUESTED):
            self._stage = stage
        workflow.upsert_search_attributes([*attributes, sa.ENROLLMENT_STAGE.value_set(stage.value)])
        await self._steps.record_stage(
            StageChange(enrollment_id=self._id, stage=stage, step=step, actor=actor, note=note),
            local=local,
        )

    def _upsert_search_attributes(self) -> None:
        assert self._request is not None and self._routing.access_level is not None
        workflow.upsert_search_attributes(
            [
                sa.CAIR_REGION.value_set(self._routing.region_key),
                sa.ORG_TYPE.value_set(self._request.organization.type),
                sa.ACCESS_LEVEL.value_set(self._routing.access_level.value),
                sa.ENROLLMENT_STAGE.value_set(self._stage.value),
            ]
        )

    async def _mail(
        self,
        mail: Mail,
        step: str,
        *,
        note: str | None = None,
        since: datetime | None = None,
        deadline: datetime | None = None,
        reminder: int | None = None,
        business_days: int | None = None,
    ) -> None:
        await self._steps.send_mail(
            MailOrder(
                key=f"{self._id}/{step}",
                mail=mail,
                enrollment_id=self._id,
                note=note,
                since=since,
                deadline=deadline,
                reminder=reminder,
                business_days=business_days,
            )
        )


def _require_name(by: str) -> None:
    if not by.strip():
        raise ValueError("by: name the staff member who takes this action")


def _statuses(users: list[ProvisionedUser]) -> list[UserStatus]:
    """Trainees wait for their gate; the others are active from the start."""
    return [
        UserStatus(
            user_id=u.user_id,
            role=u.role,
            state=UserState.PENDING_TRAINING if needs_training(u.role) else UserState.ACTIVE,
        )
        for u in users
    ]
