"""Staff operations on a user's training gate: record training, extend the deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date

from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from cair.domain import ids
from cair.domain.contracts.user_activation import (
    ActivationStatus,
    DeadlineExtension,
    TrainingCompleted,
)
from cair.domain.user_states import TrainingKind, UserState
from cair.operations.context import Context
from cair.operations.errors import OperationError
from cair.operations.workflow_updates import send_update
from cair.store import users
from cair.store.users import UserListing
from cair.workflows.user_activation import UserActivationWorkflow


async def listing(
    ctx: Context, *, state: str | None = None, provider_id: str | None = None
) -> list[UserListing]:
    if state is not None and state not in tuple(UserState):
        raise OperationError(f"state: unknown state {state!r}; one of: {', '.join(UserState)}")
    async with ctx.db.sessions() as session:
        return await users.listing(session, state=state, provider_id=provider_id)


def training_kind(kind: str) -> TrainingKind:
    normalized = kind.strip().lower().replace("-", "_")
    if normalized not in tuple(TrainingKind):
        raise OperationError("kind: must be 'webinar' or 'in-person'")
    return TrainingKind(normalized)


async def training_complete(
    ctx: Context, user_id: str, *, kind: str, by: str, on: date | None = None
) -> ActivationStatus:
    training = TrainingCompleted(kind=training_kind(kind), by=by, date=on.isoformat() if on else "")
    action = "record training for"
    handle = await _gate(ctx, user_id, action)
    return await send_update(
        handle,
        UserActivationWorkflow.training_completed,
        training,
        missing=_not_waiting(user_id, action),
    )


async def training_extend(ctx: Context, user_id: str, *, days: int, by: str) -> ActivationStatus:
    action = "extend the training deadline of"
    handle = await _gate(ctx, user_id, action)
    return await send_update(
        handle,
        UserActivationWorkflow.extend_deadline,
        DeadlineExtension(days=days, by=by),
        missing=_not_waiting(user_id, action),
    )


async def _gate(
    ctx: Context, user_id: str, action: str
) -> WorkflowHandle[UserActivationWorkflow, UserState]:
    async with ctx.db.sessions() as session:
        user = await users.by_user_id(session, user_id)
    if user is None:
        raise OperationError(f"cannot {action} user {user_id}: no such user")
    if user.state != UserState.PENDING_TRAINING:
        raise OperationError(f"cannot {action} user {user_id}: the user is {user.state}")
    client = await ctx.temporal()
    handle = client.get_workflow_handle_for(
        UserActivationWorkflow.run,
        user.activation_workflow_id or ids.user_gate_workflow_id(user_id),
    )
    # A user is listed as soon as provisioning made the row; the gate starts a moment later.
    for pause in (0.2, 0.5, 1.0, 2.0):
        try:
            await handle.describe()
            break
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                break  # send_update words it
            await asyncio.sleep(pause)
    return handle


def _not_waiting(user_id: str, action: str) -> Callable[[], Awaitable[str]]:
    async def missing() -> str:
        return f"cannot {action} user {user_id}: the user is not waiting for training"

    return missing
