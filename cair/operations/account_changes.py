"""Account changes: representatives submit them (authorized against their organization), staff
approve or reject the ones that raise access."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from cair.domain import ids
from cair.domain.access import Role
from cair.domain.account_changes import ChangeKind, ChangeStatus, InfoUpdate, UserUpdate
from cair.domain.contracts.organization import AccountChange, ChangeDecision, ChangeResult
from cair.domain.request import RequestedUser
from cair.operations.context import Context
from cair.operations.errors import Invalid, OperationError, Refused
from cair.operations.sessions import Representative
from cair.operations.workflow_updates import send_update
from cair.store import changes
from cair.workflows.organization import OrganizationWorkflow


async def update_info(
    ctx: Context, who: Representative, info: InfoUpdate, *, change_id: str | None = None
) -> ChangeResult:
    return await _submit(ctx, who, ChangeKind.UPDATE_INFO, change_id, info=info)


async def add_user(
    ctx: Context, who: Representative, user: RequestedUser, *, change_id: str | None = None
) -> ChangeResult:
    return await _submit(ctx, who, ChangeKind.ADD_USER, change_id, new_user=user)


async def user_change(
    ctx: Context,
    who: Representative,
    kind: ChangeKind,
    user_id: str,
    *,
    role: str | None = None,
    user_update: UserUpdate | None = None,
    change_id: str | None = None,
) -> ChangeResult:
    """inactivate / reactivate / change role / correct / name a representative, for one user of
    the representative's own organization. A user of another organization is 'no user' here,
    worded as for one that does not exist at all."""
    if role is not None and role not in tuple(Role):
        raise Invalid(f"role: unknown role {role!r}; one of {', '.join(Role)}")
    return await _submit(
        ctx,
        who,
        kind,
        change_id,
        user_id=user_id,
        role=Role(role) if role else None,
        user_update=user_update,
    )


async def remove_representative(
    ctx: Context, who: Representative, email: str, *, change_id: str | None = None
) -> ChangeResult:
    """By address: a representative need not be a user."""
    return await _submit(ctx, who, ChangeKind.REMOVE_REPRESENTATIVE, change_id, email=email)


async def pending_approvals(ctx: Context) -> list[dict[str, Any]]:
    """Staff: every change that waits for a decision, oldest first, across organizations."""
    async with ctx.db.sessions() as session:
        waiting = await changes.awaiting_approval(session, ChangeStatus.AWAITING_APPROVAL.value)
    return [asdict(w) for w in waiting]


async def decide(
    ctx: Context,
    change_id: str,
    *,
    approve: bool,
    by: str,
    reason: str = "",
    provider_id: str | None = None,
) -> ChangeResult:
    """Staff: approve or reject a change that raises a user's access."""
    if provider_id is None:
        async with ctx.db.sessions() as session:
            found = await changes.organizations_with(session, change_id)
        if not found:
            raise OperationError(f"no change {change_id}")
        if len(found) > 1:
            raise OperationError(
                f"change {change_id} exists in {', '.join(found)}; name the Provider ID"
            )
        provider_id = found[0]
    client = await ctx.temporal()

    async def missing() -> str:
        return f"cannot decide change {change_id}: the account of {provider_id} is not open"

    return await send_update(
        client.get_workflow_handle_for(
            OrganizationWorkflow.run, ids.organization_workflow_id(provider_id)
        ),
        OrganizationWorkflow.decide_change,
        ChangeDecision(change_id=change_id, approve=approve, by=by, reason=reason),
        missing=missing,
    )


async def _submit(
    ctx: Context,
    who: Representative,
    kind: ChangeKind,
    change_id: str | None,
    **fields: Any,
) -> ChangeResult:
    change = AccountChange(
        change_id=change_id or ids.new_change_id(), kind=kind, requested_by=who.email, **fields
    )
    client = await ctx.temporal()

    async def missing() -> str:
        return f"the account of {who.provider_id} is not open for changes yet"

    result = await send_update(
        client.get_workflow_handle_for(
            OrganizationWorkflow.run, ids.organization_workflow_id(who.provider_id)
        ),
        OrganizationWorkflow.submit_change,
        change,
        missing=missing,
    )
    if result.status == ChangeStatus.REFUSED:
        raise Refused(f"change {result.change_id} refused: {result.message}")
    return result
