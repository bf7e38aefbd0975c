"""The fault suite's rig (``make test-faults``): stacks of their own — a namespace, a store, an
SMTP server and worker processes each — that a test may break: stop the SMTP server, restart
PostgreSQL or the Temporal server, SIGKILL the worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from cair.devstack.outbox_smtp import OutboxSmtpServer
from tests.helpers.faults import MakeStack, ensure_namespace
from tests.helpers.stack import STORES, Stack, build_stack, postgres_url, reset_postgres


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgres" and postgres_url() is None:
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
            url = postgres_url()
            assert url is not None
            await reset_postgres(url)
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
