"""How workflows call activities: by name, with one timeout and retry policy for all."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

from cair.domain.contracts import Activity

T = TypeVar("T")

RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
)


async def call(
    name: Activity, arg: Any, *, timeout_seconds: float, result_type: type[T] | None = None
) -> T:
    """Run one activity. Activities are idempotent, so retrying forever is safe; a short
    start-to-close timeout lets a crashed worker's task move to a live one quickly."""
    result: T = await workflow.execute_activity(
        name.value,
        arg,
        start_to_close_timeout=timedelta(seconds=timeout_seconds),
        retry_policy=RETRY,
        result_type=result_type,
    )
    return result
