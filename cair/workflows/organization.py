"""OrganizationWorkflow (id ``org-<provider id>``): an enrolled organization's account.

Representatives' changes arrive as Temporal Updates and are applied one at a time, in the order
accepted; several may queue. Changes that raise a user's access, change the provider of record
or close the organization wait for staff approval without holding up the queue. Once the
organization is closed no change is taken. Before the history grows long the workflow continues
as new, carrying its queue, the changes awaiting approval and recent results, so nothing is lost.

long because: the queue, the validators of what it takes, staff decisions, the follow-ups and
continue-as-new share one state; split, each part would reach into the others'.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from cair.domain.access import AccessLevel, Role, role_allowed
    from cair.domain.account_changes import (
        DECISION_STEP,
        ORGANIZATION_KINDS,
        ChangeKind,
        ChangeStatus,
        OrganizationClosure,
        OrganizationRename,
    )
    from cair.domain.awaiting_changes import awaiting_result
    from cair.domain.contracts.mail import Mail, MailOrder
    from cair.domain.contracts.organization import (
        AccountChange,
        ApplyChange,
        ChangeDecision,
        ChangeOutcome,
        ChangeResult,
        DecideChange,
        OrganizationInput,
        PendingChanges,
    )
    from cair.domain.contracts.user_activation import UserActivationInput
    from cair.domain.reading import answer, read
    from cair.temporal import search_attributes as sa
    from cair.workflows.incident_reports import IncidentReports, Subject
    from cair.workflows.steps import Steps, failure_reason
    from cair.workflows.user_activation import UserActivationWorkflow

RESULTS_KEPT = 200  # recent results carried across continue-as-new, for idempotent retries


@workflow.defn
class OrganizationWorkflow:
    @workflow.init
    def __init__(self, start: OrganizationInput) -> None:
        # State comes from the input here, not in run(): after continue-as-new an update can
        # arrive in the very first task, before run() has started.
        self._input: OrganizationInput | None = start
        self._queue: list[AccountChange] = list(start.queue)
        self._awaiting: dict[str, AccountChange] = {c.change_id: c for c in start.awaiting_approval}
        self._decisions: list[ChangeDecision] = []
        self._results: dict[str, ChangeResult] = dict(start.results)
        self._closed = start.closed
        # Not held: a failed change is reported and the account keeps serving the next one.
        self._steps = Steps(timeout_seconds=start.activity_timeout_seconds)
        self._incidents = IncidentReports(timeout_seconds=start.activity_timeout_seconds)

    @workflow.run
    async def run(self, start: OrganizationInput) -> None:
        workflow.upsert_search_attributes(
            [
                sa.PROVIDER_ID.value_set(start.provider_id),
                sa.ORG_TYPE.value_set(start.org_type),
                sa.ACCESS_LEVEL.value_set(start.access_level.value),
                sa.CAIR_REGION.value_set(start.region),
            ]
        )
        while True:
            await workflow.wait_condition(
                lambda: bool(self._queue or self._decisions) or self._history_long()
            )
            while self._queue or self._decisions:
                if self._queue:
                    change = self._queue[0]
                    self._results[change.change_id] = await self._apply(change)
                    self._queue.pop(0)
                else:
                    await self._decide(self._decisions.pop(0))
            if self._history_long():
                await workflow.wait_condition(
                    lambda: workflow.all_handlers_finished() or bool(self._queue or self._decisions)
                )
                if not (self._queue or self._decisions):
                    self._continue_as_new()

    # ---- updates and queries --------------------------------------------------------------

    @workflow.update
    async def submit_change(self, change: AccountChange) -> ChangeResult:
        if change.change_id not in self._results and not self._known(change.change_id):
            self._queue.append(change)
        await workflow.wait_condition(
            lambda: change.change_id in self._results or change.change_id in self._awaiting
        )
        return self._results.get(change.change_id) or awaiting_result(
            self._awaiting[change.change_id]
        )

    @submit_change.validator
    def _validate_change(self, change: AccountChange) -> None:
        assert self._input is not None
        level = self._input.access_level
        if not change.change_id.strip():
            raise ValueError("change_id: required, so a retry is recognised")
        if self._closed and change.change_id not in self._results:  # a retry is answered
            raise ValueError(f"{self._input.provider_id}: the organization is closed")
        self._validate_organization_change(change)
        if change.kind in (ChangeKind.ADD_USER,) and change.new_user is None:
            raise ValueError("user: give the new user's name, e-mail and role")
        if change.kind == ChangeKind.UPDATE_INFO and change.info is None:
            raise ValueError("info: nothing to update")
        if change.kind == ChangeKind.UPDATE_USER and change.user_update is None:
            raise ValueError("user: nothing to correct")
        if change.kind == ChangeKind.REMOVE_REPRESENTATIVE:
            if not (change.user_id or change.email):
                raise ValueError("email: which representative?")
        elif change.kind not in ORGANIZATION_KINDS and not change.user_id:
            raise ValueError("user_id: which user?")
        role = change.new_user.role if change.new_user else change.role
        if change.kind in (ChangeKind.ADD_USER, ChangeKind.CHANGE_ROLE):
            if role not in tuple(Role):
                raise ValueError(f"role: unknown role {role!r}; one of {', '.join(Role)}")
            if not role_allowed(Role(role), level):
                allowed = ", ".join(sorted(r.value for r in Role if role_allowed(r, level)))
                raise ValueError(
                    f"role: {role} exceeds what a {level.value} organization allows "
                    f"(allowed: {allowed})"
                )

    def _validate_organization_change(self, change: AccountChange) -> None:
        """The organization-level changes: what each must give, read without I/O."""
        if change.kind == ChangeKind.RENAME_ORGANIZATION:
            _shape(OrganizationRename, {"name": change.name or ""})
        elif change.kind == ChangeKind.CHANGE_PROVIDER_OF_RECORD:
            if change.provider_of_record is None:
                raise ValueError("provider_of_record: give the new provider of record")
        elif change.kind == ChangeKind.CLOSE_SITE:
            if not (change.site_id or "").strip():
                raise ValueError("site_id: which site? (its Site ID)")
        elif change.kind == ChangeKind.CLOSE_ORGANIZATION:
            _shape(OrganizationClosure, {"reason": change.reason or ""})
            asked = [*self._queue, *self._awaiting.values()]
            waiting = next(
                (
                    c
                    for c in asked
                    if c.kind == ChangeKind.CLOSE_ORGANIZATION and c.change_id != change.change_id
                ),
                None,
            )
            if waiting is not None:
                raise ValueError(
                    f"closing the organization waits for registry staff already (change "
                    f"{waiting.change_id})"
                )

    @workflow.update
    async def decide_change(self, decision: ChangeDecision) -> ChangeResult:
        self._decisions.append(decision)
        await workflow.wait_condition(lambda: decision.change_id not in self._awaiting)
        return self._results[decision.change_id]

    @decide_change.validator
    def _validate_decision(self, decision: ChangeDecision) -> None:
        if not decision.by.strip():
            raise ValueError("by: name the staff member who decides")
        if decision.change_id not in self._awaiting:
            done = self._results.get(decision.change_id)
            state = f"it is {done.status}" if done else "no such change awaits approval"
            raise ValueError(f"cannot decide change {decision.change_id}: {state}")
        if any(d.change_id == decision.change_id for d in self._decisions):
            raise ValueError(f"change {decision.change_id} is already being decided")

    @workflow.signal
    def access_level_changed(self, level: AccessLevel) -> None:
        """Staff approved a Clinical organization's site for production: it is Data Exchange
        now, and roles are checked against that level from here on (and after continue-as-new,
        which carries the input)."""
        assert self._input is not None
        self._input.access_level = level
        workflow.upsert_search_attributes([sa.ACCESS_LEVEL.value_set(level.value)])

    @workflow.query
    def pending_changes(self) -> PendingChanges:
        assert self._input is not None
        return PendingChanges(
            provider_id=self._input.provider_id,
            queued=[_queued_result(c) for c in self._queue],
            awaiting_approval=[awaiting_result(c) for c in self._awaiting.values()],
            run=self._input.runs,
        )

    # ---- applying -------------------------------------------------------------------------

    async def _apply(self, change: AccountChange) -> ChangeResult:
        assert self._input is not None
        order = ApplyChange(
            provider_id=self._input.provider_id, change=change, now=workflow.now().isoformat()
        )
        try:
            outcome = await self._steps.apply_account_change(order)
        except ActivityError as failed:
            return await self._failed(change, "apply", failed)
        await self._follow_up(outcome)
        if outcome.result.status == ChangeStatus.AWAITING_APPROVAL:
            self._awaiting[change.change_id] = change
            # Staff learn of the change by e-mail, not only by looking.
            await self._mail(Mail.STAFF_CHANGE_APPROVAL, outcome.result, "staff")
            if outcome.confirm_email:  # None in every history recorded before it existed
                await self._mail(Mail.CONFIRM_CONTACT, outcome.result, "confirm-contact")
        return outcome.result

    async def _decide(self, decision: ChangeDecision) -> None:
        assert self._input is not None
        order = DecideChange(
            provider_id=self._input.provider_id, decision=decision, now=workflow.now().isoformat()
        )
        try:
            outcome = await self._steps.decide_account_change(order)
        except ActivityError as failed:
            change = self._awaiting[decision.change_id]
            self._results[decision.change_id] = await self._failed(change, DECISION_STEP, failed)
        else:
            await self._follow_up(outcome, step="decision")
            self._results[decision.change_id] = outcome.result
            if (
                outcome.result.kind == ChangeKind.CLOSE_ORGANIZATION
                and outcome.result.status == ChangeStatus.APPLIED
            ):
                self._closed = True
        self._awaiting.pop(decision.change_id, None)

    async def _failed(
        self, change: AccountChange, step: str, failure: ActivityError
    ) -> ChangeResult:
        """The change could not be applied: staff are told, the account serves the next one."""
        await self._report(
            f"change-{change.change_id}/{step}", step, failure_reason(failure), change
        )
        return ChangeResult(
            change_id=change.change_id,
            kind=change.kind,
            status=ChangeStatus.FAILED,
            message="the change could not be applied and nothing of it was kept; registry staff "
            "have been told",
            user_id=change.user_id,
        )

    async def _follow_up(self, outcome: ChangeOutcome, *, step: str = "confirmation") -> None:
        """Stop training gates (and a closed site's onboarding), start the user's training
        gate, and confirm by e-mail."""
        assert self._input is not None
        result = outcome.result
        # An outcome recorded before the lists existed has them empty: the same one command.
        stopping = [outcome.stop_gate_workflow_id] if outcome.stop_gate_workflow_id else []
        stopping += [*outcome.stop_gate_workflow_ids, *outcome.stop_dx_workflow_ids]
        for workflow_id in dict.fromkeys(stopping):
            handle = workflow.get_external_workflow_handle(workflow_id)
            try:
                await handle.cancel()
            except Exception:  # noqa: BLE001 - it may be gone or ended already; nothing to stop
                workflow.logger.info("no running workflow %s", workflow_id)
        if outcome.start_gate and result.user_id and outcome.gate_workflow_id:
            assert outcome.gate_role is not None
            try:
                await workflow.start_child_workflow(
                    UserActivationWorkflow.run,
                    UserActivationInput(
                        user_id=result.user_id,
                        role=outcome.gate_role,
                        provider_id=self._input.provider_id,
                        reason=f"change-{result.change_id}",
                        activity_timeout_seconds=self._input.activity_timeout_seconds,
                    ),
                    id=outcome.gate_workflow_id,
                    parent_close_policy=ParentClosePolicy.ABANDON,
                )
            except WorkflowAlreadyStartedError:
                await self._report(
                    f"change-{result.change_id}/gate",
                    "start training gate",
                    f"the gate {outcome.gate_workflow_id} already exists",
                    result,
                )
        if outcome.notify and result.status != ChangeStatus.REFUSED:
            await self._mail(Mail.ACCOUNT_CHANGE, result, step)

    async def _mail(self, mail: Mail, result: ChangeResult, step: str) -> None:
        assert self._input is not None
        order = MailOrder(
            key=f"{self._input.provider_id}/change-{result.change_id}/{step}",
            mail=mail,
            provider_id=self._input.provider_id,
            user_id=result.user_id,
            change_id=result.change_id,
        )
        try:
            await self._steps.send_mail(order)
        except ActivityError as failed:
            await self._report(order.key, f"mail {mail.value}", failure_reason(failed), result)

    async def _report(
        self, key: str, step: str, reason: str, change: AccountChange | ChangeResult
    ) -> None:
        assert self._input is not None
        subject = Subject(
            provider_id=self._input.provider_id, user_id=change.user_id, change_id=change.change_id
        )
        await self._incidents.report(f"{self._input.provider_id}/{key}", step, reason, subject)

    # ---- continue-as-new ------------------------------------------------------------------

    def _history_long(self) -> bool:
        assert self._input is not None
        info = workflow.info()
        return (
            info.get_current_history_length() >= self._input.history_threshold
            or info.is_continue_as_new_suggested()
        )

    def _continue_as_new(self) -> None:
        assert self._input is not None
        recent = dict(list(self._results.items())[-RESULTS_KEPT:])
        workflow.continue_as_new(
            OrganizationInput(
                provider_id=self._input.provider_id,
                org_type=self._input.org_type,
                access_level=self._input.access_level,
                region=self._input.region,
                history_threshold=self._input.history_threshold,
                activity_timeout_seconds=self._input.activity_timeout_seconds,
                queue=list(self._queue),
                awaiting_approval=list(self._awaiting.values()),
                results=recent,
                runs=self._input.runs + 1,
                closed=self._closed,
            )
        )

    def _known(self, change_id: str) -> bool:
        return change_id in self._awaiting or any(c.change_id == change_id for c in self._queue)


def _queued_result(change: AccountChange) -> ChangeResult:
    return ChangeResult(
        change_id=change.change_id,
        kind=change.kind,
        status=ChangeStatus.QUEUED,
        message="waiting its turn",
        user_id=change.user_id,
    )


def _shape(model: type[OrganizationRename | OrganizationClosure], value: dict[str, str]) -> None:
    """The model's rules, worded "field: rule" as the API words them (pure: no I/O)."""
    problems = answer(read(model, value), [])
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
