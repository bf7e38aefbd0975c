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
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from cair.activities.accounts import AccountActivities
from cair.activities.enrollments import EnrollmentActivities
from cair.activities.incidents import IncidentActivities
from cair.activities.mail.send import MailActivities
from cair.activities.provisioning import ProvisioningActivities
from cair.activities.region_maps import RegionMapSource
from cair.activities.users import UserActivities
from cair.settings import Settings, get_settings
from cair.store.database import Database
from cair.store.migrate import migrate_database
from cair.temporal.client import connect
from cair.workflows.credentials import ReissueCredentialsWorkflow
from cair.workflows.enrollment import EnrollmentWorkflow
from cair.workflows.organization import OrganizationWorkflow
from cair.workflows.sign_in import RepresentativeSignInWorkflow
from cair.workflows.user_activation import UserActivationWorkflow

WORKFLOWS: Sequence[type] = (
    EnrollmentWorkflow,
    UserActivationWorkflow,
    OrganizationWorkflow,
    RepresentativeSignInWorkflow,
    ReissueCredentialsWorkflow,
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
    return [
        enrollments.validate_request,
        enrollments.register_enrollment,
        enrollments.record_stage,
        enrollments.record_amendment,
        mail.send_mail,
        provisioning.provision_provider_id,
        provisioning.create_users,
        provisioning.issue_credentials,
        users.set_user_state,
        accounts.apply_account_change,
        accounts.decide_account_change,
        accounts.expire_sign_in_link,
        incidents.record_incident,
    ]


def build_worker(client: Client, db: Database, settings: Settings) -> Worker:
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=list(WORKFLOWS),
        activities=build_activities(db, settings),
    )


async def run_worker(settings: Settings, *, stop: asyncio.Event) -> None:
    """Migrate the database, then poll until ``stop`` is set; in-flight tasks finish first."""
    await migrate_database(settings)
    client = await connect(settings)
    db = Database(settings)
    try:
        async with build_worker(client, db, settings):
            log.info("worker polling task queue %s", settings.temporal_task_queue)
            await stop.wait()
    finally:
        await db.dispose()


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    stop = asyncio.Event()

    async def _run() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(get_settings(), stop=stop)

    code = 0
    try:
        asyncio.run(_run())
    except Exception:
        log.exception("worker failed")
        code = 1
    logging.shutdown()
    os._exit(code)  # the SDK can abort at interpreter exit (DESIGN §5)


if __name__ == "__main__":
    main()
