"""Staff operations on a user's training gate: record training, extend the deadline."""

from __future__ import annotations

from datetime import date

from cair.domain.contracts import (
    ActivationStatus,
    DeadlineExtension,
    TrainingCompleted,
    TrainingKind,
    UserState,
)
from cair.operations.context import Context, OperationError
from cair.operations.updates import send_update
from cair.store.queries import UserListing, find_user, list_users


async def listing(
    ctx: Context, *, state: str | None = None, provider_id: str | None = None
) -> list[UserListing]:
    if state is not None and state not in tuple(UserState):
        raise OperationError(f"state: unknown state {state!r}; one of: {', '.join(UserState)}")
    async with ctx.db.sessions() as session:
        return await list_users(session, state=state, provider_id=provider_id)


def _kind(kind: str) -> str:
    normalized = kind.strip().lower().replace("-", "_")
    if normalized not in tuple(TrainingKind):
        raise OperationError("kind: must be 'webinar' or 'in-person'")
    return normalized


async def training_complete(
    ctx: Context, user_id: str, *, kind: str, by: str, on: date | None = None
) -> ActivationStatus:
    training = TrainingCompleted(kind=_kind(kind), by=by, date=on.isoformat() if on else "")
    return await _gate_update(ctx, user_id, "training_completed", training, "record training for")


async def training_extend(ctx: Context, user_id: str, *, days: int, by: str) -> ActivationStatus:
    extension = DeadlineExtension(days=days, by=by)
    return await _gate_update(
        ctx, user_id, "extend_deadline", extension, "extend the training deadline of"
    )


async def _gate_update(
    ctx: Context, user_id: str, update: str, arg: object, action: str
) -> ActivationStatus:
    async with ctx.db.sessions() as session:
        user = await find_user(session, user_id)
    if user is None:
        raise OperationError(f"cannot {action} user {user_id}: no such user")
    if user.state != UserState.PENDING_TRAINING:
        raise OperationError(f"cannot {action} user {user_id}: the user is {user.state}")
    client = await ctx.temporal()

    async def missing() -> str:
        return f"cannot {action} user {user_id}: the user is not waiting for training"

    return await send_update(
        client.get_workflow_handle(user.activation_workflow_id or f"user-{user_id}"),
        update,
        arg,
        result_type=ActivationStatus,
        missing=missing,
    )
