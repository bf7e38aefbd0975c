"""The worker's sandbox runner compiles a workflow module once per process, yet every run still
gets its own, freshly executed module inside the sandbox."""

from __future__ import annotations

import dataclasses

from temporalio.api.common.v1 import Payloads
from temporalio.api.failure.v1 import Failure
from temporalio.converter import DataConverter
from temporalio.worker import WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox._runner import _fake_info, _Instance
from temporalio.workflow import _Definition

from cair.temporal.sandbox import FINDER
from cair.worker import WORKFLOW_RUNNER
from cair.workflows.enrollment import EnrollmentWorkflow

MODULE = EnrollmentWorkflow.__module__


def _run() -> _Instance:
    """One workflow run's sandbox, as the worker creates it for a new run."""
    defn = _Definition.must_from_class(EnrollmentWorkflow)
    details = WorkflowInstanceDetails(
        payload_converter_factory=DataConverter.default._new_payload_converter,
        failure_converter_class=DataConverter.default.failure_converter_class,
        interceptor_classes=[],
        defn=defn,
        info=dataclasses.replace(_fake_info, workflow_type=defn.name or ""),
        randomness_seed=-1,
        extern_functions={},
        disable_eager_activity_execution=False,
        worker_level_failure_exception_types=[],
        patch_activation_callback=None,
        last_completion_result=Payloads(),
        last_failure=Failure(),
    )
    instance = WORKFLOW_RUNNER.create_instance(details)
    assert isinstance(instance, _Instance)
    return instance


async def test_each_run_executes_its_own_module_from_one_compiled_code() -> None:
    WORKFLOW_RUNNER.prepare_workflow(_Definition.must_from_class(EnrollmentWorkflow))
    first, second = _run(), _run()
    one, other = first.importer.new_modules[MODULE], second.importer.new_modules[MODULE]

    assert one is not other  # module state is still per run
    assert one.EnrollmentWorkflow is not other.EnrollmentWorkflow is not EnrollmentWorkflow
    assert one.__loader__ is not None and type(one.__loader__).__name__ == "_CompiledOnceLoader"
    # ...but the source was compiled once: the runs' functions share their code objects
    assert one.EnrollmentWorkflow.run.__code__ is other.EnrollmentWorkflow.run.__code__
    assert MODULE in FINDER._names
