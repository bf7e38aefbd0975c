"""Send a Temporal Update by method reference and turn its refusal into the validator's words."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, TypeVar

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
    """Run ``update``; ``missing`` words the refusal when no such running workflow exists.

    An update that met a workflow task failing for an ordinary reason (an event arrived while
    the task ran) was never accepted: it is sent again, under the same update id, so the
    workflow sees it once."""
    update_id = str(uuid.uuid4())
    for attempt in range(_TRANSIENT_TRIES):
        try:
            return await handle.execute_update(update, arg, id=update_id)
        except RPCError as error:
            if _TRANSIENT not in error.message or attempt == _TRANSIENT_TRIES - 1:
                _refused(error, await missing() if _is_missing(error) else None)
            await asyncio.sleep(0.05 * (attempt + 1))
        except WorkflowUpdateFailedError as failed:
            _failed(failed)
    raise AssertionError("unreachable")


_TRANSIENT = "unexpected workflow task failure"
_TRANSIENT_TRIES = 5


def _is_missing(error: RPCError) -> bool:
    return error.status == RPCStatusCode.NOT_FOUND or "already completed" in error.message


def _refused(error: RPCError, missing: str | None) -> NoReturn:
    if missing is not None:
        raise OperationError(missing) from error
    raise OperationError(f"Temporal refused the request: {error.message}") from error


def _failed(failed: WorkflowUpdateFailedError) -> NoReturn:
    """The workflow refused the update: in the validator's (or handler's) words."""
    cause = failed.cause
    if isinstance(cause, ApplicationError):
        raise OperationError(cause.message) from failed
    raise OperationError(str(cause or failed)) from failed
