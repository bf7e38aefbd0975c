"""The stack a benchmark measures, started by the benchmark itself: the Temporal dev server, the
SMTP outbox (arrival times by Message-ID), the store, and worker processes; and running calls
``concurrency`` at a time with a progress bar."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import TypeVar

from rich.progress import Progress

from bench.processes import cpu_seconds
from cair.activities.mail.mailer import message_id_for
from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.devstack.ports import free_port
from cair.devstack.temporal_server import TemporalDevServer
from cair.operations.context import Context
from cair.settings import Settings
from cair.store.migrate import migrate_database

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


@dataclass
class Rig:
    """The running stack and what the outbox has seen (Message-ID → arrival time)."""

    settings: Settings
    env: dict[str, str]
    server: TemporalDevServer
    smtp: OutboxSmtpServer
    ctx: Context
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    arrivals: dict[str, float] = field(default_factory=dict)
    progress: Progress | None = None

    def arrived(self, message: EmailMessage) -> None:
        self.arrivals[str(message["Message-ID"])] = time.perf_counter()

    async def mail_of(self, key: str, *, timeout: float = 120.0) -> float:
        """When the e-mail of this idempotency key reached the outbox."""
        wanted = message_id_for(key, self.settings.sender)
        deadline = time.perf_counter() + timeout
        while wanted not in self.arrivals:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no e-mail {key} in the outbox")
            await asyncio.sleep(0.005)
        return self.arrivals[wanted]

    def start_worker(self, module: str = "cair.worker") -> subprocess.Popen[bytes]:
        log = (self.settings.var_dir / f"{module}-{len(self.workers)}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", module], env=self.env, stdout=log, stderr=log, cwd=ROOT
        )
        self.workers.append(process)
        return process

    def pipeline_workers(self) -> list[subprocess.Popen[bytes]]:
        return [w for w in self.workers if w.args[-1] == "cair.worker"]  # type: ignore[index]

    def cpu(self) -> tuple[float, float]:
        """CPU seconds so far of the pipeline workers and of the server."""
        assert self.server.pid is not None
        worker = sum(cpu_seconds(w.pid) for w in self.pipeline_workers())
        return worker, cpu_seconds(self.server.pid)

    def cpu_of(self, module: str) -> tuple[float, float]:
        """CPU seconds so far of ``module``'s worker processes and of the server."""
        assert self.server.pid is not None
        mine = [cpu_seconds(w.pid) for w in self.workers if w.args[-1] == module]  # type: ignore[index]
        return sum(mine), cpu_seconds(self.server.pid)

    def stop(self) -> None:
        for process in self.workers:
            process.terminate()
        for process in self.workers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.smtp is not None:
            self.smtp.stop()
        self.server.stop()


async def gathered(
    rig: Rig, label: str, total: int, concurrency: int, make: Callable[[int], Awaitable[T]]
) -> tuple[list[T], float]:
    """``total`` calls, ``concurrency`` at a time, with a progress bar; results and seconds."""
    gate = asyncio.Semaphore(concurrency)
    assert rig.progress is not None
    task = rig.progress.add_task(label, total=total)

    async def limited(index: int) -> T:
        async with gate:
            result = await make(index)
            rig.progress.advance(task)  # type: ignore[union-attr]
            return result

    started = time.perf_counter()
    results = await asyncio.gather(*(limited(i) for i in range(total)))
    return list(results), time.perf_counter() - started


def quantiles(values: Iterable[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    return (
        f"p50 {statistics.median(ordered) * 1000:6.0f} ms  p95 {p95 * 1000:6.0f} ms  "
        f"max {ordered[-1] * 1000:6.0f} ms"
    )


async def start_rig(
    var: Path,
    database_url: str,
    *,
    on_message: Callable[[EmailMessage], None] | None = None,
    baselines: bool = True,
) -> Rig:
    """The stack, migrated, with one pipeline worker and (``baselines``) the baseline's and
    the floor's workers; ``on_message`` sees each e-mail as the outbox keeps it."""
    grpc = free_port()
    settings = Settings(
        _env_file=None,
        var_dir=var,
        database_url=database_url,
        temporal_address=f"127.0.0.1:{grpc}",
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        temporal_ui_port=free_port(),
        codec_key=base64.b64encode(secrets.token_bytes(32)).decode(),
        secrets_keys=base64.b64encode(secrets.token_bytes(32)).decode(),
        submit_limit_per_client=1_000_000,
        # Timed from a request that needs no address confirmation: that wait is a person's click.
        confirm_applicant_address=False,
    )
    assert settings.codec_key and settings.secrets_keys
    env = {
        **os.environ,
        "CAIR_VAR_DIR": str(var),
        "CAIR_DATABASE_URL": settings.resolved_database_url(),
        "CAIR_TEMPORAL_ADDRESS": settings.temporal_address,
        "CAIR_SMTP_HOST": "127.0.0.1",
        "CAIR_SMTP_PORT": str(settings.smtp_port),
        "CAIR_CODEC_KEY": settings.codec_key.get_secret_value(),
        "CAIR_SECRETS_KEYS": settings.secrets_keys.get_secret_value(),
        "CAIR_MIGRATE_ON_START": "false",  # migrated once below, as a release step does
        "CAIR_CONFIRM_APPLICANT_ADDRESS": "false",
        "CAIR_SUBMIT_LIMIT_PER_CLIENT": "1000000",  # every simulated applicant is 127.0.0.1
    }
    server = TemporalDevServer(var_dir=var, port=grpc, ui_port=settings.temporal_ui_port)
    await server.start()
    rig = Rig(settings=settings, env=env, server=server, smtp=None, ctx=Context(settings))  # type: ignore[arg-type]

    def arrived(message: EmailMessage) -> None:
        rig.arrived(message)
        if on_message is not None:
            on_message(message)

    rig.smtp = OutboxSmtpServer(
        settings.resolved_outbox_dir(), port=settings.smtp_port, on_message=arrived
    )
    try:
        rig.smtp.start()
        await migrate_database(settings)
        rig.start_worker()
        if baselines:
            rig.start_worker("bench.baseline_worker")
            rig.start_worker("bench.floor_worker")
    except BaseException:
        # A database that does not exist (say) must not leave the server and relay running.
        with contextlib.suppress(Exception):
            rig.stop()
        raise
    await asyncio.sleep(2)  # the workers polling
    return rig
