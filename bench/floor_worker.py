"""The floor's worker process, started by the benchmark: bench/floor.py's workflows with the
pipeline worker's tuning, workflow sandbox, client and payload codec, on their own task queue.

python -m bench.floor_worker   (CAIR_* settings as for `cair worker`)
"""

from __future__ import annotations

import asyncio
import os
import signal

from temporalio.worker import Worker

from bench.floor import TASK_QUEUE, FloorAccount, FloorEnrollment, FloorGate, step
from cair.settings import get_settings
from cair.temporal.client import connect
from cair.worker import WORKFLOW_RUNNER, worker_tuning


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
        workflows=[FloorEnrollment, FloorAccount, FloorGate],
        activities=[step],
        workflow_runner=WORKFLOW_RUNNER,
        **worker_tuning(settings),
    ):
        print("worker polling", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(_serve())
    os._exit(0)  # the SDK can abort at interpreter exit (DESIGN §5)
