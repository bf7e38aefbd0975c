"""The fault suite's parts (``make test-faults``): a namespace of a test's own on the dev
server, waiting until a batch of enrollments settles, restarting PostgreSQL under load. The
fixtures that make and stop the breakable stacks stay in tests/faults/conftest.py."""

from __future__ import annotations

import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path

from google.protobuf.duration_pb2 import Duration
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.operations import enrollments
from cair.operations.context import Context
from cair.temporal import search_attributes
from tests.helpers.stack import Stack
from tests.helpers.waiting import eventually

# What the ``rig`` fixture gives a test: ``await rig(address=..., api=...)`` makes a stack.
MakeStack = Callable[..., Awaitable[tuple[Stack, OutboxSmtpServer]]]


async def ensure_namespace(client: Client, namespace: str) -> None:
    """Register ``namespace`` (if new) with the tests' search attributes."""
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

    async def served() -> bool:
        """The dev server answers for a new namespace once its namespace cache has refreshed;
        until then it says the namespace is not found."""
        try:
            await search_attributes.register(client, namespace)
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            return False
        return True

    await eventually(served, timeout=30)


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
