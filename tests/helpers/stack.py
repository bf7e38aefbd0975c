"""A running stack as the e2e, API, browser and fault suites use it: a migrated store, a real
SMTP outbox, a worker process and an API process (``cair serve``), all on one Temporal
namespace. Built here, not in a conftest, because suites with stacks of their own (browser,
scale-out, faults) build theirs the same way."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.devstack.ports import free_port
from cair.operations.context import Context
from cair.settings import Settings, normalize_database_url
from cair.store.migrate import migrate_database
from tests.helpers.codec import CODEC_KEY
from tests.helpers.mailbox import Mailbox
from tests.helpers.paths import BIN, ROOT
from tests.helpers.waiting import eventually

STORES = ("sqlite", "postgres")


def postgres_url() -> str | None:
    """The PostgreSQL database the tests may use (CAIR_TEST_POSTGRES_URL), if any."""
    return os.environ.get("CAIR_TEST_POSTGRES_URL") or None


async def reset_postgres(url: str) -> None:
    engine = create_async_engine(normalize_database_url(url))
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def answers(url: str) -> bool:
    """Whether ``url`` answers 200 now (a process started and listening)."""
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


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
        process, self.api_url = self.another_api()
        return process

    def another_api(
        self, extra_env: dict[str, str] | None = None
    ) -> tuple[subprocess.Popen[bytes], str]:
        """One more API process on this stack (settings of its own in ``extra_env``); its URL."""
        port = free_port()
        log = open(self.var_dir / f"api-{port}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [str(BIN / "cair"), "serve", "--port", str(port)],
            env={**self.env, **(extra_env or {})},
            stdout=log,
            stderr=log,
            cwd=ROOT,
        )
        self.servers.append(process)
        return process, f"http://127.0.0.1:{port}"

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
        # Requests go to staff at once; the contact's confirmation by link has tests (and a
        # stack) of its own, as the README's walk-through runs it.
        "CAIR_CONFIRM_APPLICANT_ADDRESS": "false",
        # As `cair dev` runs: its admin (admin@cair.example) signs in by link alone, as the
        # README's walk-through does; every other staff member gives a second factor.
        "CAIR_STAFF_SECOND_FACTOR": "dev-admin-exempt",
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
        await eventually(lambda: answers(result.api_url + "/healthz"), timeout=60)
    return result, smtp
