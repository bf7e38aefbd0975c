"""The baseline's worker process, started by the benchmark; ``serve`` also runs the floor's
(bench/floor_worker.py).

python -m bench.baseline_worker   (CAIR_* settings as for `cair worker`)
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable, Sequence
from typing import Any

from temporalio.worker import Worker

from bench.baseline import TASK_QUEUE, BaselineWorkflow, noop
from cair.settings import get_settings
from cair.temporal.client import connect
from cair.worker import worker_tuning


async def _serve(
    task_queue: str,
    workflows: Sequence[type],
    activities: Sequence[Callable[..., Any]],
    **extra: Any,
) -> None:
    settings = get_settings()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    client = await connect(settings)
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=list(workflows),
        activities=list(activities),
        **extra,
        **worker_tuning(settings),
    ):
        print("worker polling", flush=True)
        await stop.wait()


def serve(
    task_queue: str,
    workflows: Sequence[type],
    activities: Sequence[Callable[..., Any]],
    **extra: Any,
) -> None:
    """Poll ``task_queue`` with the pipeline worker's tuning until SIGINT or SIGTERM."""
    asyncio.run(_serve(task_queue, workflows, activities, **extra))
    os._exit(0)  # the SDK can abort at interpreter exit (DESIGN §5)


if __name__ == "__main__":
    serve(TASK_QUEUE, [BaselineWorkflow], [noop])
