"""The baseline's worker process, started by the benchmark.

python -m bench.baseline_worker   (CAIR_* settings as for `cair worker`)
"""

from __future__ import annotations

import asyncio
import os
import signal

from temporalio.worker import Worker

from bench.baseline import TASK_QUEUE, BaselineWorkflow, noop
from cair.settings import get_settings
from cair.temporal.client import connect
from cair.worker import worker_tuning


async def _serve() -> None:
    settings = get_settings()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    client = await connect(settings)
    async with Worker(
        client,
        task_queue=TASK_QUEUE,
        workflows=[BaselineWorkflow],
        activities=[noop],
        **worker_tuning(settings),
    ):
        print("worker polling", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(_serve())
    os._exit(0)  # the SDK can abort at interpreter exit (DESIGN §5)
