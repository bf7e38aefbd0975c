"""``cair dev``: the whole local stack in one process, stopped cleanly by Ctrl-C."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import uvicorn

from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.devstack.ports import port_is_open
from cair.devstack.prometheus_server import (
    INSTALL_HINT,
    PrometheusServer,
    Target,
    dev_metrics_ports,
    dev_targets,
    prometheus_binary,
)
from cair.devstack.temporal_server import TemporalDevServer
from cair.logs import configure_logging
from cair.operations import staff_accounts
from cair.operations.context import Context
from cair.settings import Settings
from cair.store.migrate import migrate_database
from cair.web.codec_endpoint import create_codec_app

log = logging.getLogger("cair.dev")


class AlreadyRunning(Exception):
    pass


def _take_lock(var_dir: Path) -> IO[str]:
    """One `cair dev` per var/ folder: the lock dies with the process, so no stale files."""
    var_dir.mkdir(parents=True, exist_ok=True)
    handle = (var_dir / "dev.lock").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "?"
        handle.close()
        raise AlreadyRunning(pid) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def _busy_ports(settings: Settings, grpc_port: int) -> list[str]:
    wanted = {
        "Temporal gRPC": grpc_port,
        "Temporal UI": settings.temporal_ui_port,
        "SMTP": settings.smtp_port,
        "codec endpoint": settings.codec_port,
        "web": settings.web_port,
    }
    return [
        f"{name} port {port}" for name, port in wanted.items() if port_is_open("127.0.0.1", port)
    ]


def run_dev(settings: Settings) -> int:
    configure_logging()
    settings = dev_settings(settings)
    try:
        lock = _take_lock(settings.var_dir)
    except AlreadyRunning as running:
        print(f"cair dev is already running (pid {running}); stop it with Ctrl-C in its terminal")
        return 1
    try:
        return asyncio.run(_serve(settings))
    finally:
        lock.close()


def dev_settings(settings: Settings) -> Settings:
    """The dev stack's own: its seeded admin signs in by link alone (no second factor), set
    here, in this process — unless the settings are a deployment's (https, keys required)."""
    if settings.require_keys or settings.secure_cookies():
        return settings
    return settings.model_copy(update={"staff_second_factor": "dev-admin-exempt"})


async def _serve(settings: Settings) -> int:
    host, _, port_text = settings.temporal_address.rpartition(":")
    grpc_port = int(port_text)
    busy = _busy_ports(settings, grpc_port)
    if busy:
        print(f"cannot start: {', '.join(busy)} already in use by another program")
        return 1
    stop = _stop_on_signals()
    ports = dev_metrics_ports(
        settings.worker_metrics_port,
        settings.worker_sdk_metrics_port,
        settings.dev_prometheus_port,
        is_busy=lambda port: port_is_open("127.0.0.1", port),
    )
    settings = settings.model_copy(
        update={"worker_metrics_port": ports.worker, "worker_sdk_metrics_port": ports.worker_sdk}
    )
    stack = _build_stack(settings, grpc_port, ports.temporal)
    stack.prometheus = _prometheus(
        settings, ports.prometheus, dev_targets(settings.web_port, ports)
    )
    try:
        admin = await stack.start(settings, stop)
        banner = _banner(settings, host or "localhost", grpc_port, stack.outbox, admin)
        print(banner.replace(PROMETHEUS_LINE, _prometheus_line(stack.prometheus)), flush=True)
        await stop.wait()
        print("stopping...", flush=True)
        return 0
    finally:
        stop.set()
        await stack.stop()


def _stop_on_signals() -> asyncio.Event:
    """Ctrl-C and SIGTERM ask for a clean stop instead of killing the servers mid-request."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


@dataclass
class _Stack:
    """The servers of ``cair dev``, built before any starts so a bad setting leaves none running."""

    temporal: TemporalDevServer
    smtp: OutboxSmtpServer
    codec: uvicorn.Server
    web: uvicorn.Server
    outbox: Path
    prometheus: PrometheusServer | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self, settings: Settings, stop: asyncio.Event) -> str:
        """Start everything in dependency order; returns the staff admin to sign in as."""
        from cair.worker import run_worker  # imports every workflow: loaded last

        await self.temporal.start()
        self.smtp.start()
        await migrate_database(settings)
        admin = await seed_admin(settings)
        await schedule_retention(settings)
        self.tasks.append(asyncio.create_task(self.codec.serve()))
        self.tasks.append(asyncio.create_task(run_worker(settings, stop=stop)))
        self.tasks.append(asyncio.create_task(self.web.serve()))
        await asyncio.sleep(0.5)
        for task in self.tasks:  # a server that could not start says so now, not at Ctrl-C
            if task.done() and task.exception():
                raise task.exception()  # type: ignore[misc]
        await self._start_prometheus()
        return admin

    async def _start_prometheus(self) -> None:
        """Prometheus is a help, not a part: the stack runs on without it."""
        if self.prometheus is None:
            return
        try:
            await self.prometheus.start()
        except (OSError, TimeoutError) as error:
            log.warning("Prometheus did not start (%s); see its log under var/prometheus", error)
            self.prometheus.stop()
            self.prometheus = None

    async def stop(self) -> None:
        """Stop whatever was started; one server failing to stop does not keep the rest up."""
        self.codec.should_exit = True
        self.web.should_exit = True
        for task in self.tasks:
            try:
                await asyncio.wait_for(task, timeout=15)
            except Exception:  # noqa: BLE001 - shutting down; report and go on
                log.exception("while stopping")
        if self.prometheus is not None:
            self.prometheus.stop()
        self.smtp.stop()
        self.temporal.stop()


def _build_stack(settings: Settings, grpc_port: int, temporal_metrics_port: int) -> _Stack:
    outbox = settings.resolved_outbox_dir().resolve()
    return _Stack(
        temporal=_temporal_server(settings, grpc_port, temporal_metrics_port),
        smtp=OutboxSmtpServer(outbox, host="127.0.0.1", port=settings.smtp_port),
        codec=_codec_server(settings),
        web=_web_server(settings),  # last: it imports every workflow
        outbox=outbox,
    )


def _codec_url(settings: Settings) -> str:
    return f"http://localhost:{settings.codec_port}"


def _temporal_server(settings: Settings, grpc_port: int, metrics_port: int) -> TemporalDevServer:
    # The dev UI has no sign-in to pass a bearer token with: it is given a capability URL.
    ui_codec_url = f"{_codec_url(settings)}/{settings.codec_token()}"
    return TemporalDevServer(
        var_dir=settings.var_dir,
        port=grpc_port,
        ui_port=settings.temporal_ui_port,
        namespace=settings.temporal_namespace,
        codec_endpoint=ui_codec_url,
        metrics_port=metrics_port,
    )


PROMETHEUS_LINE = "  Prometheus       -"


def _prometheus(settings: Settings, port: int, targets: list[Target]) -> PrometheusServer | None:
    """Debian's Prometheus scraping the stack (docs/operations.md), if it is installed."""
    if prometheus_binary() is None:
        return None
    folder = (settings.var_dir / "prometheus").resolve()
    return PrometheusServer(folder=folder, port=port, targets=targets)


def _prometheus_line(prometheus: PrometheusServer | None) -> str:
    if prometheus is None and prometheus_binary() is None:
        return f"  Prometheus       not running: {INSTALL_HINT}"
    if prometheus is None:
        return "  Prometheus       did not start (its log: var/prometheus/prometheus.log)"
    return f"  Prometheus       {prometheus.url} (alerts at /alerts; docs/operations.md)"


def _codec_server(settings: Settings) -> uvicorn.Server:
    app = create_codec_app(
        settings.codec_ring(),
        token=settings.codec_token(),
        namespace=settings.temporal_namespace,
        allowed_origins=settings.codec_origins(),
    )
    return uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=settings.codec_port, log_level="warning")
    )


def _web_server(settings: Settings) -> uvicorn.Server:
    # The web app imports every workflow; load it last.
    from cair.web.app import create_app

    return uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=settings.web_port,
            log_level="warning",
            access_log=False,  # the application logs requests itself, without tokens or ids
        )
    )


def _banner(settings: Settings, grpc_host: str, grpc_port: int, outbox: Path, admin: str) -> str:
    """Where everything is, and how a newcomer signs in first."""
    database = settings.resolved_database_url().split("@")[-1]
    return "\n".join(
        [
            "",
            "CAIR onboarding dev stack is up",
            f"  web and API      http://localhost:{settings.web_port} (API docs /api/docs)",
            f"  Temporal UI      http://localhost:{settings.temporal_ui_port}",
            f"  Temporal gRPC    {grpc_host}:{grpc_port} (namespace {settings.temporal_namespace})",
            f"  codec endpoint   {_codec_url(settings)} (bearer token in "
            f"{settings.var_dir / 'codec.token'})",
            f"  SMTP             localhost:{settings.smtp_port}",
            PROMETHEUS_LINE,
            f"  outbox           {outbox}",
            f"  database         {database}",
            "",
            f"In a browser: http://localhost:{settings.web_port}/ (enroll),"
            f" /account/sign-in (representatives), /staff/sign-in (staff).",
            f"Staff admin: {admin} (by link alone, no second factor: in cair dev only).",
            "Ask for a sign-in link at /staff/sign-in or with",
            f"  cair staff sign-in {admin}",
            "  cair outbox --to " + admin + "     # the link, and the token to redeem:",
            "  cair staff redeem TOKEN",
            "",
            "  Ctrl-C to stop",
            "",
        ]
    )


async def seed_admin(settings: Settings) -> str:
    """A staff admin for a newcomer to sign in as (``CAIR_DEV_ADMIN_EMAIL``)."""
    ctx = Context(settings)
    try:
        await staff_accounts.add(ctx, settings.dev_admin_email, roles=["admin"], name="Dev Admin")
    finally:
        await ctx.close()
    return settings.dev_admin_email


async def schedule_retention(settings: Settings) -> None:
    """The daily purge's Schedule, as `cair retention schedule` makes it in a deployment."""
    from cair.operations.retention import ensure_schedule  # imports the workflow: loaded late

    ctx = Context(settings)
    try:
        await ensure_schedule(ctx)
    finally:
        await ctx.close()
