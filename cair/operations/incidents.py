"""Staff: the steps that failed for good, and running a held one again."""

from __future__ import annotations

from cair.domain.contracts.failures import StaffRetry
from cair.operations.context import Context
from cair.operations.errors import OperationError
from cair.operations.workflow_updates import send_update
from cair.store import incidents
from cair.store.incidents import IncidentView
from cair.workflows.enrollment import EnrollmentWorkflow
from cair.workflows.user_activation import UserActivationWorkflow


async def listing(ctx: Context, *, open_only: bool = True) -> list[IncidentView]:
    async with ctx.db.sessions() as session:
        return await incidents.listing(session, open_only=open_only)


async def retry(ctx: Context, workflow_id: str, *, by: str) -> str:
    """Ask the workflow holding a failed step to run it again; its incidents are resolved."""
    async with ctx.db.sessions() as session:
        held = await incidents.open_for_workflow(session, workflow_id)
    if not held:
        raise OperationError(f"no open incident for workflow {workflow_id}")
    if any(i.change_id for i in held):
        raise OperationError(
            f"{workflow_id}: a failed account change is not retried; the representative "
            "submits it again once the cause is mended"
        )
    client = await ctx.temporal()

    async def missing() -> str:
        return f"cannot retry {workflow_id}: the workflow is not running"

    retry_by = StaffRetry(by=by)
    if held[0].enrollment_id and not held[0].user_id:
        handle = client.get_workflow_handle_for(EnrollmentWorkflow.run, workflow_id)
        await send_update(handle, EnrollmentWorkflow.retry, retry_by, missing=missing)
    else:
        gate = client.get_workflow_handle_for(UserActivationWorkflow.run, workflow_id)
        await send_update(gate, UserActivationWorkflow.retry, retry_by, missing=missing)
    async with ctx.db.sessions.begin() as session:
        await incidents.resolve(
            session, await incidents.open_for_workflow(session, workflow_id), by=by
        )
    return f"{workflow_id}: retrying {', '.join(i.step for i in held)}"
