"""Each workflow's branches with stubbed activities on the time-skipping server: fast, and
exact about which steps run. The real activities are covered end to end in tests/e2e."""

from __future__ import annotations

import uuid

import pytest
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from cair.domain import ids
from cair.domain.access import AccessLevel, Role
from cair.domain.account_changes import ChangeKind, ChangeStatus, InfoUpdate
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.enrollment import (
    Amendment,
    ChangeRequest,
    EnrollmentInput,
    EnrollmentStatus,
    ProvisionedUser,
    Rejection,
    StaffDecision,
    ValidationOutcome,
)
from cair.domain.contracts.failures import StaffRetry
from cair.domain.contracts.mail import Mail
from cair.domain.contracts.organization import (
    AccountChange,
    ApplyChange,
    ChangeOutcome,
    ChangeResult,
    OrganizationInput,
)
from cair.domain.contracts.user_activation import UserActivationInput
from cair.domain.request import EnrollmentRequest
from cair.domain.stages import Stage
from cair.domain.user_states import UserState
from cair.workflows.enrollment import EnrollmentWorkflow
from cair.workflows.organization import OrganizationWorkflow
from cair.workflows.user_activation import UserActivationWorkflow
from tests.helpers.examples import example
from tests.helpers.stubs import Stubs, stub_worker
from tests.helpers.waiting import eventually

REQUEST = EnrollmentRequest.model_validate(example("school"))


async def start_enrollment(
    client: Client, queue: str
) -> WorkflowHandle[EnrollmentWorkflow, EnrollmentStatus]:
    enrollment_id = ids.new_enrollment_id()
    return await client.start_workflow(
        EnrollmentWorkflow.run,
        EnrollmentInput(enrollment_id=enrollment_id, request=REQUEST, activity_timeout_seconds=5),
        id=ids.enrollment_workflow_id(enrollment_id),
        task_queue=queue,
    )


async def stage_is(
    handle: WorkflowHandle[EnrollmentWorkflow, EnrollmentStatus], stage: Stage
) -> bool:
    return (await handle.query(EnrollmentWorkflow.status)).stage == stage


def mails(stubs: Stubs) -> list[Mail]:
    return [order.mail for order in stubs.args(Activity.SEND_MAIL)]


async def test_invalid_request_ends_without_touching_the_store(
    stub_env: WorkflowEnvironment,
) -> None:
    stubs = Stubs(routing=ValidationOutcome(problems=["organization.type: not eligible"]))
    async with stub_worker(stub_env.client, stubs) as queue:
        result = await (await start_enrollment(stub_env.client, queue)).result()
    assert result.stage == Stage.INVALID and "not eligible" in (result.note or "")
    assert [name for name, _ in stubs.calls] == [Activity.REGISTER_REQUEST]


async def test_duplicate_is_refused_naming_the_first(
    stub_env: WorkflowEnvironment,
) -> None:
    stubs = Stubs(duplicate_of="ENFIRST0001")
    async with stub_worker(stub_env.client, stubs) as queue:
        result = await (await start_enrollment(stub_env.client, queue)).result()
    assert result.stage == Stage.REFUSED_DUPLICATE and "ENFIRST0001" in (result.note or "")
    # register_request recorded the refusal in the same step; nothing more ran.
    assert [name for name, _ in stubs.calls] == [Activity.REGISTER_REQUEST]
    assert mails(stubs) == []


async def test_local_county_tells_applicant_and_representative_then_ends(
    stub_env: WorkflowEnvironment,
) -> None:
    stubs = Stubs(
        routing=ValidationOutcome(
            problems=[],
            access_level=AccessLevel.READ_ONLY,
            county="San Diego",
            region_key="san_diego_imperial",
            enrolls_online=False,
        )
    )
    async with stub_worker(stub_env.client, stubs) as queue:
        result = await (await start_enrollment(stub_env.client, queue)).result()
    assert result.stage == Stage.ROUTED_TO_LOCAL_REPRESENTATIVE
    assert mails(stubs) == [Mail.LOCAL_REP_APPLICANT, Mail.LOCAL_REP_NOTICE]


async def test_approval_provisions_credentials_users_and_gates(
    stub_env: WorkflowEnvironment,
) -> None:
    stubs = Stubs(
        routing=ValidationOutcome(
            problems=[],
            access_level=AccessLevel.DATA_EXCHANGE,
            county="Fresno",
            region_key="central_valley",
        ),
        users=[
            ProvisionedUser("U1000001", Role.DX_QA),
            ProvisionedUser("U1000002", Role.READ_ONLY),
        ],
    )
    client = stub_env.client
    async with stub_worker(client, stubs) as queue:
        handle = await start_enrollment(client, queue)
        await eventually(lambda: stage_is(handle, Stage.AWAITING_REVIEW))
        await handle.execute_update(EnrollmentWorkflow.approve, StaffDecision(by="Dana Staff"))
        result = await handle.result()
    assert result.stage == Stage.COMPLETED
    assert {u.state for u in result.users} == {UserState.ACTIVE}
    [provisioned] = stubs.args(Activity.PROVISION_ACCOUNT)
    assert provisioned.with_credentials
    assert provisioned.decision.stage == Stage.PROVISIONING
    assert provisioned.decision.actor == "Dana Staff"
    assert mails(stubs).count(Mail.WELCOME) == 1 and mails(stubs).count(Mail.ACCESS_READY) == 2
    stages = [c.stage for c in stubs.args(Activity.RECORD_STAGE)]
    assert stages == [Stage.AWAITING_TRAINING, Stage.COMPLETED]


async def test_request_changes_then_amend_returns_to_review_then_reject(
    stub_env: WorkflowEnvironment,
) -> None:
    stubs = Stubs()
    client = stub_env.client
    async with stub_worker(client, stubs) as queue:
        handle = await start_enrollment(client, queue)
        await eventually(lambda: stage_is(handle, Stage.AWAITING_REVIEW))
        await handle.execute_update(
            EnrollmentWorkflow.request_changes, ChangeRequest(by="Dana", message="the district")
        )
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(EnrollmentWorkflow.approve, StaffDecision(by="Dana"))
        amended = await handle.execute_update(EnrollmentWorkflow.amend, Amendment(REQUEST))
        assert amended.stage == Stage.AWAITING_REVIEW
        await handle.execute_update(EnrollmentWorkflow.reject, Rejection(by="Dana", reason="no"))
        result = await handle.result()
    assert result.stage == Stage.REJECTED
    assert len(stubs.args(Activity.RECORD_AMENDMENT)) == 1
    assert mails(stubs) == [
        Mail.ACKNOWLEDGEMENT,
        Mail.CHANGES_REQUESTED,
        Mail.AMENDMENT_RECEIVED,
        Mail.REJECTED,
    ]


async def test_a_step_that_fails_for_good_holds_the_enrollment_for_staff(
    stub_env: WorkflowEnvironment,
) -> None:
    """Bad data in provisioning: not retried forever and not a failed workflow, but a stage
    staff see, an incident, an e-mail to staff, and a retry that carries on."""
    stubs = Stubs(fail={Activity.PROVISION_ACCOUNT: 1})
    client = stub_env.client
    async with stub_worker(client, stubs) as queue:
        handle = await start_enrollment(client, queue)
        await eventually(lambda: stage_is(handle, Stage.AWAITING_REVIEW))
        await handle.execute_update(EnrollmentWorkflow.approve, StaffDecision(by="Dana Staff"))
        await eventually(lambda: stage_is(handle, Stage.NEEDS_ATTENTION))
        held = await handle.query(EnrollmentWorkflow.status)
        assert "provision_account" in (held.note or "")
        [incident] = await eventually(lambda: stubs.args(Activity.RECORD_INCIDENT))
        assert incident.step == Activity.PROVISION_ACCOUNT.value
        assert incident.enrollment_id == held.id and "stub" in incident.reason
        await eventually(lambda: Mail.STAFF_INCIDENT in mails(stubs))  # told after it is held
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(EnrollmentWorkflow.approve, StaffDecision(by="Dana"))

        await handle.execute_update(EnrollmentWorkflow.retry, StaffRetry(by="Dana Staff"))
        with pytest.raises(WorkflowUpdateFailedError):  # nothing is held any more
            await handle.execute_update(EnrollmentWorkflow.retry, StaffRetry(by="Dana Staff"))
        result = await handle.result()
    assert result.stage == Stage.COMPLETED
    assert len(stubs.args(Activity.PROVISION_ACCOUNT)) == 2
    retried = [c for c in stubs.args(Activity.RECORD_STAGE) if c.step.endswith("/retry")]
    assert len(retried) == 1 and retried[0].actor == "Dana Staff"


async def test_a_user_gate_holds_a_failed_step_and_retries_it(
    stub_env: WorkflowEnvironment,
) -> None:
    stubs = Stubs(fail={Activity.SET_USER_STATE: 1})
    client = stub_env.client
    user_id = f"U{uuid.uuid4().int % 9000000 + 1000000}"
    async with stub_worker(client, stubs) as queue:
        handle = await client.start_workflow(
            UserActivationWorkflow.run,
            UserActivationInput(user_id=user_id, role=Role.READ_ONLY, provider_id="CA100001"),
            id=ids.user_gate_workflow_id(user_id),
            task_queue=queue,
        )

        async def held() -> bool:
            return (await handle.query(UserActivationWorkflow.status)).held is not None

        await eventually(held)
        [incident] = await eventually(lambda: stubs.args(Activity.RECORD_INCIDENT))
        assert incident.user_id == user_id
        await handle.execute_update(UserActivationWorkflow.retry, StaffRetry(by="Dana Staff"))
        assert await handle.result() == UserState.ACTIVE
    assert mails(stubs)[-1] == Mail.ACCESS_READY


async def test_a_failed_change_is_reported_and_the_account_serves_the_next(
    stub_env: WorkflowEnvironment,
) -> None:
    stubs = Stubs(fail={Activity.APPLY_ACCOUNT_CHANGE: 1})
    client = stub_env.client
    provider_id = f"CA{uuid.uuid4().int % 900000 + 100000}"
    async with stub_worker(client, stubs) as queue:
        handle = await client.start_workflow(
            OrganizationWorkflow.run,
            OrganizationInput(provider_id, "school", AccessLevel.READ_ONLY, "bay_area"),
            id=ids.organization_workflow_id(provider_id),
            task_queue=queue,
        )
        first = await handle.execute_update(OrganizationWorkflow.submit_change, _info("CH-A"))
        second = await handle.execute_update(OrganizationWorkflow.submit_change, _info("CH-B"))
        await handle.terminate("test over")
    assert first.status == ChangeStatus.FAILED and "registry staff" in first.message
    assert second.status == ChangeStatus.APPLIED
    [incident] = stubs.args(Activity.RECORD_INCIDENT)
    assert incident.change_id == "CH-A" and incident.provider_id == provider_id
    confirmations = [o for o in stubs.args(Activity.SEND_MAIL) if o.mail == Mail.ACCOUNT_CHANGE]
    assert [o.change_id for o in confirmations] == ["CH-B"]


async def test_a_gate_that_already_exists_is_reported_not_fatal(
    stub_env: WorkflowEnvironment,
) -> None:
    """The hole of a foreign change id: an outcome naming a running gate must not fail the
    organization's workflow."""
    client = stub_env.client
    provider_id = f"CA{uuid.uuid4().int % 900000 + 100000}"
    running = ids.user_gate_workflow_id(f"U{uuid.uuid4().int % 9000000 + 1000000}")

    def outcome(order: ApplyChange) -> ChangeOutcome:
        change = order.change
        return ChangeOutcome(
            result=ChangeResult(
                change.change_id, change.kind, ChangeStatus.APPLIED, "applied", "U1"
            ),
            start_gate=change.change_id == "CH-GATE",
            gate_role=Role.REGULAR,
            gate_workflow_id=running,
        )

    stubs = Stubs(outcome=outcome)
    async with stub_worker(client, stubs) as queue:
        await client.start_workflow(
            UserActivationWorkflow.run,
            UserActivationInput(user_id="U1", role=Role.REGULAR, provider_id=provider_id),
            id=running,
            task_queue=queue,
        )
        handle = await client.start_workflow(
            OrganizationWorkflow.run,
            OrganizationInput(provider_id, "healthcare_provider", AccessLevel.CLINICAL, "bay_area"),
            id=ids.organization_workflow_id(provider_id),
            task_queue=queue,
        )
        await handle.execute_update(OrganizationWorkflow.submit_change, _info("CH-GATE"))
        after = await handle.execute_update(OrganizationWorkflow.submit_change, _info("CH-NEXT"))
        await handle.terminate("test over")
        await client.get_workflow_handle(running).terminate("test over")
    assert after.status == ChangeStatus.APPLIED
    [incident] = stubs.args(Activity.RECORD_INCIDENT)
    assert incident.change_id == "CH-GATE" and running in incident.reason


def _info(change_id: str) -> AccountChange:
    return AccountChange(
        change_id=change_id,
        kind=ChangeKind.UPDATE_INFO,
        requested_by="rep@example.org",
        info=InfoUpdate(vfc_pin=None),
    )
