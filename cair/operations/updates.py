"""Send a Temporal Update and turn its refusal into the validator's own words."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from cair.operations.context import OperationError

T = TypeVar("T")


async def send_update(
    handle: WorkflowHandle[Any, Any],
    update: str,
    arg: Any,
    *,
    result_type: type[T],
    missing: Callable[[], Awaitable[str]],
) -> T:
    """Run ``update``; ``missing`` words the refusal when no such running workflow exists."""
    try:
        result: T = await handle.execute_update(update, arg, result_type=result_type)
        return result
    except WorkflowUpdateFailedError as failed:
        cause = failed.cause
        if isinstance(cause, ApplicationError):
            raise OperationError(cause.message) from failed
        raise OperationError(str(cause or failed)) from failed
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND or "already completed" in error.message:
            raise OperationError(await missing()) from error
        raise OperationError(f"Temporal refused the request: {error.message}") from error
