"""DataExchangeOnboardingWorkflow (id ``dx-site-<site id>``): one site's data-exchange interface,
from registration at the IZ Portal to live.

registered → staging credentials issued → testing (the site sends test VXUs to the staging
endpoint) → ready for review (the test plan met) → staff approve production, or send the site
back to testing with a message → production credentials issued → live (the first accepted
production message). A site that stalls is reminded; a review that waits reminds staff.

The endpoint records each message's outcome and only nudges this workflow, which reads counts
and outcomes back through an activity: a message's contents never reach the history.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from cair.domain import ids
    from cair.domain.contracts.data_exchange import (
        DxCredentialIssue,
        DxEnvironment,
        DxOnboardingInput,
        DxProgress,
        DxProgressQuery,
        DxResume,
        DxStage,
        DxStageChange,
        DxStatus,
        ProductionDecision,
    )
    from cair.domain.contracts.failures import StaffRetry
    from cair.domain.contracts.mail import Mail, MailOrder
    from cair.domain.limits import STAFF_TEXT
    from cair.temporal import search_attributes as sa
    from cair.workflows.held_steps import Holding, Subject
    from cair.workflows.steps import Steps

WAITING_FOR_THE_SITE = (
    DxStage.STAGING_CREDENTIALS_ISSUED,
    DxStage.TESTING,
    DxStage.PRODUCTION_CREDENTIALS_ISSUED,
)


@workflow.defn
class DataExchangeOnboardingWorkflow:
    @workflow.init
    def __init__(self, start: DxOnboardingInput) -> None:
        self._input = start
        resume = start.resume
        self._stage = resume.stage if resume else DxStage.REGISTERED
        self._after = resume.after_message_id if resume else 0
        self._sent_back = resume.sent_back if resume else 0
        self._reminders = resume.reminders if resume else 0
        self._progress = DxProgress()
        self._nudged = resume is not None  # a new run reads the counts again
        self._decision: ProductionDecision | None = None
        self._key = ids.dx_onboarding_workflow_id(start.site_id)
        self._steps = Steps(timeout_seconds=start.activity_timeout_seconds, on_failure=self._hold)
        self._holding = Holding(
            timeout_seconds=start.activity_timeout_seconds, key_prefix=self._key
        )

    @workflow.run
    async def run(self, start: DxOnboardingInput) -> DxStage:
        plan = start.plan
        while self._stage != DxStage.LIVE:
            if self._stage == DxStage.REGISTERED:
                await self._issue(DxEnvironment.STAGING, DxStage.STAGING_CREDENTIALS_ISSUED)
            elif self._stage in (DxStage.STAGING_CREDENTIALS_ISSUED, DxStage.TESTING):
                await self._wait_for_the_site(lambda: self._progress.meets(plan))
                await self._set_stage(DxStage.READY_FOR_REVIEW, f"review-{self._sent_back}")
                await self._mail(Mail.DX_READY_FOR_REVIEW, f"review-{self._sent_back}")
            elif self._stage == DxStage.READY_FOR_REVIEW:
                await self._review()
            elif self._stage == DxStage.PRODUCTION_CREDENTIALS_ISSUED:
                await self._wait_for_the_site(lambda: self._progress.production_accepted > 0)
                await self._set_stage(DxStage.LIVE, "live")
                await self._mail(Mail.DX_LIVE, "live")
        # Staff's decision may still be answering when the site goes live in the same task.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._stage

    # ---- staff and the endpoint ---------------------------------------------------------------

    @workflow.signal
    def message_received(self) -> None:
        """The endpoint recorded a message of this site: read the counts again."""
        self._nudged = True

    @workflow.update
    async def decide(self, decision: ProductionDecision) -> DxStatus:
        self._decision = ProductionDecision(
            by=decision.by.strip(), approve=decision.approve, message=decision.message.strip()
        )
        # Answer once the stage moved, so staff see the outcome, not a promise.
        await workflow.wait_condition(lambda: self._stage != DxStage.READY_FOR_REVIEW)
        return self.status()

    @decide.validator
    def _validate_decision(self, decision: ProductionDecision) -> None:
        if not decision.by.strip():
            raise ValueError("by: name the staff member who decides")
        if not decision.approve and not decision.message.strip():
            raise ValueError("message: tell the site what to test again")
        if len(decision.message) > STAFF_TEXT:
            raise ValueError(f"message: at most {STAFF_TEXT} characters")
        if self._stage != DxStage.READY_FOR_REVIEW or self._decision is not None:
            raise ValueError(
                f"cannot decide on site {self._input.site_id}: it is {self._stage.value}, "
                "not ready for review"
            )

    @workflow.update
    async def retry(self, retry: StaffRetry) -> DxStatus:
        """Staff mended what made a step fail: run it again."""
        self._holding.release(retry)
        return self.status()

    @retry.validator
    def _validate_retry(self, retry: StaffRetry) -> None:
        self._holding.validate_retry(retry, f"retry the onboarding of site {self._input.site_id}")

    @workflow.query
    def status(self) -> DxStatus:
        return DxStatus(
            site_id=self._input.site_id,
            provider_id=self._input.provider_id,
            stage=self._stage,
            progress=self._progress,
            still_needed=self._progress.missing(self._input.plan)
            if self._stage in (DxStage.STAGING_CREDENTIALS_ISSUED, DxStage.TESTING)
            else [],
            reminders_sent=self._reminders,
            sent_back=self._sent_back,
            held=f"{self._holding.step}: {self._holding.reason}" if self._holding.held else None,
            passed=self._progress.passed(self._input.plan),
        )

    # ---- the stages ---------------------------------------------------------------------------

    async def _issue(self, environment: DxEnvironment, then: DxStage) -> None:
        """Credentials of ``environment``, e-mailed as a single-use reveal link."""
        step = f"{environment.value}-credentials"
        await self._steps.issue_dx_credentials(
            DxCredentialIssue(
                site_id=self._input.site_id,
                environment=environment,
                issue_key=f"{self._key}/{step}",
                by=self._decision.by if self._decision else "system",
            )
        )
        await self._set_stage(then, step)
        await self._mail(Mail.DX_CREDENTIALS, step, environment=environment)

    async def _wait_for_the_site(self, done: Callable[[], bool]) -> None:
        """Read the counts whenever a message arrives (and when a timer fires), until ``done``;
        remind the site when nothing has moved for ``reminder_days``."""
        quiet_since = workflow.now()
        while True:
            if self._nudged:
                self._nudged = False
                before = self._progress
                self._progress = await self._read_progress()
                if self._progress != before:
                    quiet_since = workflow.now()
                if self._stage == DxStage.STAGING_CREDENTIALS_ISSUED and (
                    self._progress.staging_messages > 0
                ):
                    await self._set_stage(DxStage.TESTING, f"testing-{self._sent_back}")
            if done():
                return
            self._continue_as_new_if_long()
            wake = quiet_since + timedelta(days=self._input.reminder_days)
            if workflow.now() >= wake and self._reminders < self._input.max_reminders:
                self._reminders += 1
                phase = (
                    "production"
                    if self._environment() == DxEnvironment.PRODUCTION
                    else (f"testing-{self._sent_back}")
                )
                await self._mail(Mail.DX_REMINDER, f"{phase}/reminder-{self._reminders}")
                quiet_since = workflow.now()
                continue
            every = timedelta(days=self._input.reminder_days)
            timeout = (
                wake - workflow.now() if self._reminders < self._input.max_reminders else every
            )
            try:
                await workflow.wait_condition(lambda: self._nudged, timeout=timeout)
            except TimeoutError:
                self._nudged = True  # read the counts again: a nudge may not have arrived

    async def _review(self) -> None:
        """Wait for staff, reminding them; then production, or back to testing."""
        asked = workflow.now()
        nudges = 0
        while self._decision is None:
            wake = asked + timedelta(days=self._input.reminder_days * (nudges + 1))
            if workflow.now() >= wake and nudges < self._input.max_reminders:
                nudges += 1
                step = f"review-{self._sent_back}/reminder-{nudges}"
                await self._mail(Mail.DX_READY_FOR_REVIEW, step, reminder=nudges)
                continue
            timeout = wake - workflow.now() if nudges < self._input.max_reminders else None
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._decision is not None, timeout=timeout)
        decision = self._decision
        if decision.approve:
            self._reminders = 0
            await self._issue(DxEnvironment.PRODUCTION, DxStage.PRODUCTION_CREDENTIALS_ISSUED)
        else:
            self._sent_back += 1
            # Only messages after this one count for the next round of testing.
            self._after = (await self._read_progress()).last_message_id
            self._progress = DxProgress(last_message_id=self._after)
            self._reminders = 0
            step = f"sent-back-{self._sent_back}"
            await self._set_stage(DxStage.TESTING, step, actor=decision.by, note=decision.message)
            await self._mail(Mail.DX_SENT_BACK, step, note=decision.message)
        self._decision = None

    # ---- steps --------------------------------------------------------------------------------

    def _continue_as_new_if_long(self) -> None:
        """A site may send thousands of test messages: start a fresh history, carrying on."""
        if workflow.info().is_continue_as_new_suggested():
            workflow.continue_as_new(
                DxOnboardingInput(
                    site_id=self._input.site_id,
                    provider_id=self._input.provider_id,
                    plan=self._input.plan,
                    reminder_days=self._input.reminder_days,
                    max_reminders=self._input.max_reminders,
                    activity_timeout_seconds=self._input.activity_timeout_seconds,
                    resume=DxResume(
                        stage=self._stage,
                        after_message_id=self._after,
                        sent_back=self._sent_back,
                        reminders=self._reminders,
                    ),
                )
            )

    async def _read_progress(self) -> DxProgress:
        cases = tuple(c.name for c in self._input.plan.cases)
        return await self._steps.dx_progress(
            DxProgressQuery(site_id=self._input.site_id, after_message_id=self._after, cases=cases)
        )

    async def _set_stage(
        self, stage: DxStage, step: str, *, actor: str = "system", note: str | None = None
    ) -> None:
        self._stage = stage
        workflow.upsert_search_attributes([sa.DX_STAGE.value_set(stage.value)])
        await self._steps.record_dx_stage(
            DxStageChange(
                site_id=self._input.site_id, stage=stage, step=step, actor=actor, note=note
            )
        )

    async def _mail(
        self,
        mail: Mail,
        step: str,
        *,
        environment: DxEnvironment | None = None,
        note: str | None = None,
        reminder: int | None = None,
    ) -> None:
        await self._steps.send_mail(
            MailOrder(
                key=f"{self._key}/{step}",
                mail=mail,
                provider_id=self._input.provider_id,
                site_id=self._input.site_id,
                environment=(environment or self._environment()).value,
                note=note,
                reminder=reminder or (self._reminders if mail == Mail.DX_REMINDER else None),
            )
        )

    def _environment(self) -> DxEnvironment:
        if self._stage in (DxStage.PRODUCTION_CREDENTIALS_ISSUED, DxStage.LIVE):
            return DxEnvironment.PRODUCTION
        return DxEnvironment.STAGING

    async def _hold(self, step: str, failure: ActivityError) -> None:
        await self._holding.hold(step, failure, Subject(provider_id=self._input.provider_id))
