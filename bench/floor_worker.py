"""The floor's worker process, started by the benchmark: bench/floor.py's workflows with the
pipeline worker's tuning, workflow sandbox, client and payload codec, on their own task queue.

python -m bench.floor_worker   (CAIR_* settings as for `cair worker`)
"""

from __future__ import annotations

from bench.baseline_worker import serve
from bench.floor import TASK_QUEUE, FloorAccount, FloorEnrollment, FloorGate, step
from cair.worker import WORKFLOW_RUNNER

if __name__ == "__main__":
    serve(
        TASK_QUEUE,
        [FloorEnrollment, FloorAccount, FloorGate],
        [step],
        workflow_runner=WORKFLOW_RUNNER,
    )
