"""The fault suite's rig (``make test-faults``): stacks of their own — a namespace, a store, an
SMTP server and worker processes each — that a test may break: stop the SMTP server, restart
PostgreSQL or the Temporal server, SIGKILL the worker."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from google.protobuf.duration_pb2 import Duration
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.operations import enrollments
from cair.operations.context import Context
from cair.temporal import search_attributes
from tests.conftest import Stack, _postgres_url, _reset_postgres, build_stack, eventually

STORES = ("sqlite", "postgres")
MakeStack = Callable[..., Awaitable[tuple[Stack, OutboxSmtpServer]]]


async def ensure_namespace(client: Client, namespace: str) -> None:
    try:
        await client.workflow_service.register_namespace(
            RegisterNamespaceRequest(
                namespace=namespace,
                workflow_execution_retention_period=Duration(seconds=86400),
            )
        )
    except RPCError as error:
        if "already" not in error.message.lower():
            raise
    await asyncio.sleep(1)  # the dev server serves a new namespace after its cache refresh
    await search_attributes.register(client, namespace)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgres" and _postgres_url() is None:
        pytest.skip("CAIR_TEST_POSTGRES_URL is not set; .ci/run sets it")
    return name


@pytest_asyncio.fixture(loop_scope="session")
async def rig(
    store: str, dev_server: WorkflowEnvironment, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[MakeStack]:
    """Makes a stack for this test on ``store``; stops whatever it made afterwards."""
    made: list[tuple[Stack, OutboxSmtpServer]] = []

    async def make(
        *, address: str | None = None, api: bool = True
    ) -> tuple[Stack, OutboxSmtpServer]:
        database = f"sqlite:///{tmp_path / 'cair.db'}"
        if store == "postgres":
            url = _postgres_url()
            assert url is not None
            await _reset_postgres(url)
            database = url
        target = address or dev_server.client.service_client.config.target_host
        namespace = f"fault-{request.node.name.split('[')[0][-30:]}-{store}".replace("_", "-")
        client = await Client.connect(target)
        await ensure_namespace(client, namespace)
        built = await build_stack(store, tmp_path, database, target, namespace=namespace, api=api)
        made.append(built)
        return built

    yield make
    for stack, smtp in made:
        stack.stop_workers()
        smtp.stop()


async def settled(ctx: Context, ids: list[str], stages: tuple[str, ...], *, timeout: float) -> None:
    """Wait until every enrollment is in one of ``stages``."""

    async def all_there() -> bool:
        for enrollment_id in ids:
            if (await enrollments.status(ctx, enrollment_id)).stage not in stages:
                return False
        return True

    await eventually(all_there, timeout=timeout, interval=1.0)


def restart_postgres() -> None:
    version = sorted(Path("/etc/postgresql").iterdir())[-1].name
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        timeout=120,
    )


def seconds(value: float) -> timedelta:
    return timedelta(seconds=value)
