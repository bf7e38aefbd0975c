"""The onboarding workflow's branches with stub activities: each stage in order, the plan met
only when the counts say so, a decision refused outside review, a send-back that counts anew
after the newest message, production, live; and a step that fails for good held for staff."""

from __future__ import annotations

import uuid

import pytest
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from cair.domain import ids
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.data_exchange import (
    DxOnboardingInput,
    DxProgress,
    DxStage,
    ProductionDecision,
)
from cair.domain.contracts.failures import StaffRetry
from cair.domain.contracts.mail import Mail
from cair.domain.vxu_rules import staging_test_plan
from cair.workflows.dx_onboarding import DataExchangeOnboardingWorkflow
from tests.helpers.stubs import Stubs, stub_worker
from tests.helpers.waiting import eventually

MET = DxProgress(
    staging_messages=10,
    staging_accepted=10,
    test_patients_covered=("CAIRTEST001", "CAIRTEST002", "CAIRTEST003"),
    last_message_id=42,
    cases_passed=("rejected-no-vaccine",),  # the plan's rejected case (a role 1 site's plan)
)


async def started(
    client: Client, site_id: str, queue: str
) -> WorkflowHandle[DataExchangeOnboardingWorkflow, DxStage]:
    return await client.start_workflow(
        DataExchangeOnboardingWorkflow.run,
        DxOnboardingInput(site_id=site_id, provider_id="CA100001", plan=staging_test_plan()),
        id=ids.dx_onboarding_workflow_id(site_id),
        task_queue=queue,
    )


async def test_every_stage_in_order_with_a_send_back(stub_env: WorkflowEnvironment) -> None:
    client, stubs = stub_env.client, Stubs()
    site_id = f"S{uuid.uuid4().int % 900000 + 100000}"
    async with stub_worker(client, stubs) as queue:
        handle = await started(client, site_id, queue)

        async def stage() -> DxStage:
            return (await handle.query(DataExchangeOnboardingWorkflow.status)).stage

        async def reaches(wanted: DxStage) -> bool:
            return await stage() == wanted

        await eventually(lambda: reaches(DxStage.STAGING_CREDENTIALS_ISSUED))
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(
                DataExchangeOnboardingWorkflow.decide, ProductionDecision("rae", approve=True)
            )  # not in review yet
        stubs.progress = DxProgress(staging_messages=1, staging_accepted=1, last_message_id=7)
        await handle.signal(DataExchangeOnboardingWorkflow.message_received)
        await eventually(lambda: reaches(DxStage.TESTING))
        status = await handle.query(DataExchangeOnboardingWorkflow.status)
        assert any("more accepted VXUs" in n for n in status.still_needed)

        stubs.progress = MET
        await handle.signal(DataExchangeOnboardingWorkflow.message_received)
        await eventually(lambda: reaches(DxStage.READY_FOR_REVIEW))
        back = await handle.execute_update(
            DataExchangeOnboardingWorkflow.decide,
            ProductionDecision("rae", approve=False, message="Add lot numbers."),
        )
        assert (back.stage, back.sent_back) == (DxStage.TESTING, 1)
        stubs.progress = DxProgress(last_message_id=42)  # nothing after the watermark yet
        await handle.signal(DataExchangeOnboardingWorkflow.message_received)
        stubs.progress = MET
        await handle.signal(DataExchangeOnboardingWorkflow.message_received)
        await eventually(lambda: reaches(DxStage.READY_FOR_REVIEW))
        approved = await handle.execute_update(
            DataExchangeOnboardingWorkflow.decide, ProductionDecision("rae", approve=True)
        )
        assert approved.stage == DxStage.PRODUCTION_CREDENTIALS_ISSUED
        stubs.progress = DxProgress(production_accepted=1, last_message_id=43)
        await handle.signal(DataExchangeOnboardingWorkflow.message_received)
        assert await handle.result() == DxStage.LIVE

    stages = [c.stage for c in stubs.args(Activity.RECORD_DX_STAGE)]
    assert stages == [
        DxStage.STAGING_CREDENTIALS_ISSUED,
        DxStage.TESTING,
        DxStage.READY_FOR_REVIEW,
        DxStage.TESTING,
        DxStage.READY_FOR_REVIEW,
        DxStage.PRODUCTION_CREDENTIALS_ISSUED,
        DxStage.LIVE,
    ]
    issued = stubs.args(Activity.ISSUE_DX_CREDENTIALS)
    assert [(o.environment.value, o.by) for o in issued] == [
        ("staging", "system"),
        ("production", "rae"),
    ]
    # After the send-back, the plan is read after the newest message before it.
    assert {q.after_message_id for q in stubs.args(Activity.DX_PROGRESS)} == {0, 42}
    mails = [o.mail for o in stubs.args(Activity.SEND_MAIL)]
    assert mails == [
        Mail.DX_CREDENTIALS,
        Mail.DX_READY_FOR_REVIEW,
        Mail.DX_SENT_BACK,
        Mail.DX_READY_FOR_REVIEW,
        Mail.DX_CREDENTIALS,
        Mail.DX_LIVE,
    ]
    assert len({o.key for o in stubs.args(Activity.SEND_MAIL)}) == len(mails)


async def test_a_step_that_fails_for_good_is_held_for_staff(
    stub_env: WorkflowEnvironment,
) -> None:
    client = stub_env.client
    stubs = Stubs(fail={Activity.ISSUE_DX_CREDENTIALS: 1})
    site_id = f"S{uuid.uuid4().int % 900000 + 100000}"
    async with stub_worker(client, stubs) as queue:
        handle = await started(client, site_id, queue)

        async def held() -> bool:
            return (await handle.query(DataExchangeOnboardingWorkflow.status)).held is not None

        await eventually(held)
        # Held first, then staff are told: wait for the incident itself.
        [incident] = await eventually(lambda: stubs.args(Activity.RECORD_INCIDENT))
        assert incident.workflow_id == ids.dx_onboarding_workflow_id(site_id)
        await handle.execute_update(DataExchangeOnboardingWorkflow.retry, StaffRetry(by="ada"))

        async def issued() -> bool:
            status = await handle.query(DataExchangeOnboardingWorkflow.status)
            return status.stage == DxStage.STAGING_CREDENTIALS_ISSUED

        await eventually(issued)
        await handle.terminate("test over")
    assert len(stubs.args(Activity.ISSUE_DX_CREDENTIALS)) == 2
