"""Send a Temporal Update by method reference and turn its refusal into the validator's words."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from cair.operations.errors import OperationError

W = TypeVar("W")
A = TypeVar("A")
R = TypeVar("R")


async def send_update(
    handle: WorkflowHandle[W, Any],
    update: UpdateMethodMultiParam[[W, A], R],
    arg: A,
    *,
    missing: Callable[[], Awaitable[str]],
) -> R:
    """Run ``update``; ``missing`` words the refusal when no such running workflow exists."""
    try:
        return await handle.execute_update(update, arg)
    except WorkflowUpdateFailedError as failed:
        cause = failed.cause
        if isinstance(cause, ApplicationError):
            raise OperationError(cause.message) from failed
        raise OperationError(str(cause or failed)) from failed
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND or "already completed" in error.message:
            raise OperationError(await missing()) from error
        raise OperationError(f"Temporal refused the request: {error.message}") from error
