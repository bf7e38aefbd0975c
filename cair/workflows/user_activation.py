"""UserActivationWorkflow (id ``user-<user id>``): the training gate of one user.

Read-Only and DX QA users get access at once. Regular and Power users are told how to train,
reminded after 7 and 14 days, and expire after 30 days unless staff extend the deadline; when staff
record the training the user becomes active and only then gets the password-setup e-mail.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from cair.domain import ids
    from cair.domain.access import needs_training
    from cair.domain.contracts.failures import StaffRetry
    from cair.domain.contracts.mail import Mail, MailOrder
    from cair.domain.contracts.user_activation import (
        ActivationStatus,
        DeadlineExtension,
        TrainingCompleted,
        UserActivationInput,
        UserStateChange,
    )
    from cair.domain.user_states import TrainingKind, UserState
    from cair.workflows.held_steps import Holding, Subject
    from cair.workflows.steps import Steps

REMINDER_DAYS = (7, 14)
MAX_EXTENSION_DAYS = 365


@workflow.defn
class UserActivationWorkflow:
    @workflow.init
    def __init__(self, start: UserActivationInput) -> None:
        self._input: UserActivationInput | None = start
        self._state = UserState.PENDING_TRAINING
        # Known from the start, so an update that arrives with the first task finds it (run()
        # sets the same value: both read the first task's time).
        self._deadline: datetime | None = (
            workflow.now() + timedelta(days=start.training_days)
            if needs_training(start.role)
            else None
        )
        self._training: TrainingCompleted | None = None
        self._extensions: list[DeadlineExtension] = []
        self._reminders = 0
        self._extension_count = 0
        self._steps = Steps(timeout_seconds=start.activity_timeout_seconds, on_failure=self._hold)
        self._holding = Holding(
            timeout_seconds=start.activity_timeout_seconds,
            key_prefix=f"{ids.user_gate_workflow_id(start.user_id)}/{start.reason}",
        )

    @workflow.run
    async def run(self, start: UserActivationInput) -> UserState:
        state = await self._gate(start)
        # An update answered in the same task (training recorded) finishes before the gate does.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return state

    async def _gate(self, start: UserActivationInput) -> UserState:
        if not needs_training(start.role):
            await self._set_state(UserState.ACTIVE, "active")
            await self._mail(Mail.ACCESS_READY, "access-ready")
            return self._state

        started = workflow.now()
        self._deadline = started + timedelta(days=start.training_days)
        await self._set_state(UserState.PENDING_TRAINING, "pending-training")
        await self._mail(
            Mail.TRAINING_INSTRUCTIONS, "training-instructions", deadline=self._deadline
        )
        reminders = [started + timedelta(days=d) for d in REMINDER_DAYS]

        while self._training is None:
            await self._apply_extensions()
            now = workflow.now()
            if now >= self._deadline:
                await self._set_state(UserState.TRAINING_EXPIRED, "training-expired")
                await self._mail(Mail.TRAINING_EXPIRED, "training-expired")
                return self._state
            due = [r for r in reminders if r <= now]
            if due:
                reminders = [r for r in reminders if r > now]
                self._reminders += 1
                await self._mail(
                    Mail.TRAINING_REMINDER, f"reminder-{self._reminders}", deadline=self._deadline
                )
                continue
            wake = min([self._deadline, *reminders])
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._training is not None or bool(self._extensions),
                    timeout=wake - now,
                )

        await self._set_state(UserState.ACTIVE, "trained", training=self._training)
        await self._mail(Mail.PASSWORD_SETUP, "password-setup")
        return self._state

    @workflow.update
    async def training_completed(self, training: TrainingCompleted) -> ActivationStatus:
        # Without a date from staff, the training happened today (workflow time, so it replays).
        self._training = TrainingCompleted(
            kind=TrainingKind(training.kind),
            by=training.by.strip(),
            date=training.date or workflow.now().date().isoformat(),
        )
        # Answer once the gate moved on (the user active), so staff see the outcome, not a
        # promise; never wait for a state the gate can no longer reach.
        await workflow.wait_condition(lambda: self._state != UserState.PENDING_TRAINING)
        return self.status()

    @training_completed.validator
    def _validate_training(self, training: TrainingCompleted) -> None:
        if TrainingKind(training.kind) not in tuple(TrainingKind):
            raise ValueError("kind: must be 'webinar' or 'in_person'")
        if not training.by.strip():
            raise ValueError("by: name the staff member who records the training")
        self._require_pending("record training for")

    @workflow.update
    async def extend_deadline(self, extension: DeadlineExtension) -> ActivationStatus:
        assert self._deadline is not None
        self._deadline += timedelta(days=extension.days)
        self._extensions.append(extension)
        return self.status()

    @extend_deadline.validator
    def _validate_extension(self, extension: DeadlineExtension) -> None:
        if not 1 <= extension.days <= MAX_EXTENSION_DAYS:
            raise ValueError(f"days: must be between 1 and {MAX_EXTENSION_DAYS}")
        if not extension.by.strip():
            raise ValueError("by: name the staff member who extends the deadline")
        self._require_pending("extend the training deadline of")

    @workflow.update
    async def retry(self, retry: StaffRetry) -> ActivationStatus:
        """Staff mended what made a step fail: run it again."""
        self._holding.release(retry)
        return self.status()

    @retry.validator
    def _validate_retry(self, retry: StaffRetry) -> None:
        user = self._input.user_id if self._input else "?"
        self._holding.validate_retry(retry, f"retry the training gate of user {user}")

    @workflow.query
    def status(self) -> ActivationStatus:
        assert self._input is not None
        return ActivationStatus(
            user_id=self._input.user_id,
            role=self._input.role,
            state=self._state,
            deadline=self._deadline.isoformat() if self._deadline else None,
            reminders_sent=self._reminders,
            held=f"{self._holding.step}: {self._holding.reason}" if self._holding.held else None,
        )

    async def _hold(self, step: str, failure: ActivityError) -> None:
        assert self._input is not None
        await self._holding.hold(
            step,
            failure,
            Subject(user_id=self._input.user_id, provider_id=self._input.provider_id),
        )

    def _require_pending(self, action: str) -> None:
        user = self._input.user_id if self._input else "?"
        if self._state == UserState.ACTIVE or self._training is not None:
            raise ValueError(f"cannot {action} user {user}: the user is already active")
        if self._state != UserState.PENDING_TRAINING or self._deadline is None:
            raise ValueError(f"cannot {action} user {user}: the user is {self._state.value}")

    async def _apply_extensions(self) -> None:
        while self._extensions:
            extension = self._extensions.pop(0)
            self._extension_count += 1
            await self._set_state(
                UserState.PENDING_TRAINING,
                f"extended-{self._extension_count}",
                actor=extension.by,
            )

    async def _set_state(
        self,
        state: UserState,
        step: str,
        *,
        actor: str = "system",
        training: TrainingCompleted | None = None,
    ) -> None:
        assert self._input is not None
        self._state = state
        await self._steps.set_user_state(
            UserStateChange(
                user_id=self._input.user_id,
                state=state,
                step=f"{self._input.reason}/{step}",
                actor=training.by if training else actor,
                deadline=self._deadline.isoformat() if self._deadline else None,
                training=training,
            ),
            # Recorded inside the workflow task that changes it: one marker event instead of
            # an activity task and another workflow task.
            local=True,
        )

    async def _mail(self, mail: Mail, step: str, *, deadline: datetime | None = None) -> None:
        assert self._input is not None
        gate = ids.user_gate_workflow_id(self._input.user_id)
        await self._steps.send_mail(
            MailOrder(
                key=f"{gate}/{self._input.reason}/{step}",
                mail=mail,
                user_id=self._input.user_id,
                provider_id=self._input.provider_id,
                deadline=deadline,
            )
        )
