"""The Temporal worker: every workflow and activity of the service, on one task queue.

Run ``python -m cair.worker`` (or as part of ``cair dev``). More worker processes on the same
task queue scale it out.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, TypedDict

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxRestrictions

from cair.activities.accounts import AccountActivities
from cair.activities.data_exchange import DataExchangeActivities
from cair.activities.enrollments import EnrollmentActivities
from cair.activities.incidents import IncidentActivities
from cair.activities.mail.send import MailActivities
from cair.activities.provisioning import ProvisioningActivities
from cair.activities.retention import RetentionActivities
from cair.activities.users import UserActivities
from cair.domain.region_source import RegionMapSource
from cair.domain.vxu_rules import staging_test_plan
from cair.logs import configure_logging
from cair.settings import Settings, get_settings
from cair.store.database import Database
from cair.store.migrate import migrate_database
from cair.telemetry.tracing import configure_tracing
from cair.telemetry.worker_metrics import WorkerMetrics, sdk_runtime, serve_worker_metrics
from cair.temporal.client import connect
from cair.temporal.sandbox import CompiledOnceRunner
from cair.workflows.credentials import ReissueCredentialsWorkflow, ReissueSiteCredentialsWorkflow
from cair.workflows.dx_onboarding import DataExchangeOnboardingWorkflow
from cair.workflows.enrollment import EnrollmentWorkflow
from cair.workflows.organization import OrganizationWorkflow
from cair.workflows.retention import RetentionWorkflow
from cair.workflows.sign_in import RepresentativeSignInWorkflow
from cair.workflows.user_activation import UserActivationWorkflow

WORKFLOWS: Sequence[type] = (
    EnrollmentWorkflow,
    UserActivationWorkflow,
    OrganizationWorkflow,
    RepresentativeSignInWorkflow,
    ReissueCredentialsWorkflow,
    DataExchangeOnboardingWorkflow,
    ReissueSiteCredentialsWorkflow,
    RetentionWorkflow,
)

# The tracing interceptor's OpenTelemetry context is shared with the sandbox, not re-imported.
# Each workflow module is compiled once per process, not per run (cair/temporal/sandbox.py).
WORKFLOW_RUNNER = CompiledOnceRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("opentelemetry")
)

log = logging.getLogger("cair.worker")


def build_activities(db: Database, settings: Settings) -> list[Callable[..., Any]]:
    regions = RegionMapSource(settings.region_map_path)
    enrollments = EnrollmentActivities(db, regions)
    mail = MailActivities(db, settings, regions)
    provisioning = ProvisioningActivities(db, settings.secrets_ring())
    users = UserActivities(db)
    accounts = AccountActivities(db)
    incidents = IncidentActivities(db)
    sites = DataExchangeActivities(
        db, settings.secrets_ring(), no_rejection_in_last=staging_test_plan().no_rejection_in_last
    )
    return [
        enrollments.validate_request,
        enrollments.register_request,
        enrollments.record_stage,
        enrollments.record_amendment,
        mail.send_mail,
        provisioning.issue_credentials,
        provisioning.provision_account,
        users.set_user_state,
        accounts.apply_account_change,
        accounts.decide_account_change,
        accounts.expire_sign_in_link,
        incidents.record_incident,
        sites.record_dx_stage,
        sites.issue_dx_credentials,
        sites.dx_progress,
        RetentionActivities(db).purge_expired,
    ]


class WorkerTuning(TypedDict):
    """The worker's cache, concurrency and poller settings, as ``Worker`` takes them."""

    max_cached_workflows: int
    max_concurrent_workflow_tasks: int
    max_concurrent_activities: int
    max_concurrent_workflow_task_polls: int
    max_concurrent_activity_task_polls: int
    graceful_shutdown_timeout: timedelta


def worker_tuning(settings: Settings) -> WorkerTuning:
    """One reading of the tuning settings, so the benchmark's baseline runs tuned alike."""
    return WorkerTuning(
        max_cached_workflows=settings.worker_max_cached_workflows,
        max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
        max_concurrent_activities=settings.worker_max_concurrent_activities,
        max_concurrent_workflow_task_polls=settings.worker_workflow_pollers,
        max_concurrent_activity_task_polls=settings.worker_activity_pollers,
        graceful_shutdown_timeout=timedelta(seconds=settings.worker_graceful_shutdown_seconds),
    )


def build_worker(client: Client, db: Database, settings: Settings) -> Worker:
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=list(WORKFLOWS),
        workflow_runner=WORKFLOW_RUNNER,
        activities=build_activities(db, settings),
        **worker_tuning(settings),
        interceptors=[WorkerMetrics()],
    )


async def run_worker(settings: Settings, *, stop: asyncio.Event) -> None:
    """Migrate the database (unless a release step does that), then poll until ``stop`` is set;
    running activities then get ``worker_graceful_shutdown_seconds`` to finish."""
    if settings.migrate_on_start:
        await migrate_database(settings)
    client = await connect(settings, runtime=sdk_runtime(settings))
    db = Database(settings, queue_sqlite=True)
    stop_metrics = serve_worker_metrics(settings)
    try:
        async with build_worker(client, db, settings):
            log.info("worker polling task queue %s", settings.temporal_task_queue)
            await stop.wait()
    finally:
        if stop_metrics is not None:
            stop_metrics()
        await db.dispose()


def main() -> None:
    configure_logging()
    stop = asyncio.Event()

    async def _run() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        configure_tracing(get_settings(), "cair-worker")
        await run_worker(get_settings(), stop=stop)

    code = 0
    try:
        asyncio.run(_run())
    except Exception:
        log.exception("worker failed")
        code = 1
    logging.shutdown()
    os._exit(code)  # the Temporal SDK can abort at interpreter exit (docs/architecture.md)


if __name__ == "__main__":
    main()
