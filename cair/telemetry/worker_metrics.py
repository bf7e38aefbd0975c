"""The worker's two metrics endpoints, each on a port of its own and only when its setting asks
(0: off; the API and the CLI never call these): the Temporal SDK's own metrics (task latencies,
slots, failures, served by the SDK's core on ``worker_sdk_metrics_port``) and this worker's
registry (activities and e-mails, on ``worker_metrics_port``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from prometheus_client import start_http_server
from temporalio import activity
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from cair.domain.contracts.activities import Activity
from cair.settings import Settings
from cair.telemetry.metrics import WORKER_ACTIVITIES, WORKER_EMAILS, WORKER_REGISTRY

log = logging.getLogger("cair.metrics")


def sdk_runtime(settings: Settings) -> Runtime | None:
    """A Temporal runtime whose core serves Prometheus metrics, or None (the default runtime,
    no port) when ``worker_sdk_metrics_port`` is 0."""
    port = settings.worker_sdk_metrics_port
    if not port:
        return None
    address = f"{settings.worker_metrics_host}:{port}"
    # Counters end in _total and durations are seconds, as Prometheus's conventions have it.
    config = PrometheusConfig(
        bind_address=address, counters_total_suffix=True, durations_as_seconds=True
    )
    log.info("Temporal SDK metrics on http://%s/metrics", address)
    return Runtime(telemetry=TelemetryConfig(metrics=config))


def serve_worker_metrics(settings: Settings) -> Callable[[], None] | None:
    """Serve the worker's registry on ``worker_metrics_port`` (a thread); returns what stops
    it, or None when the setting is 0."""
    port = settings.worker_metrics_port
    if not port:
        return None
    server, thread = start_http_server(
        port, addr=settings.worker_metrics_host, registry=WORKER_REGISTRY
    )
    log.info("worker metrics on http://%s:%d/metrics", settings.worker_metrics_host, port)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop


class WorkerMetrics(Interceptor):
    """Counts each activity attempt by its (registered, so bounded) name and outcome."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _Counting(next)


class _Counting(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        name = activity.info().activity_type
        try:
            result = await super().execute_activity(input)
        except asyncio.CancelledError:
            WORKER_ACTIVITIES.labels(name, "cancelled").inc()
            raise
        except Exception:
            WORKER_ACTIVITIES.labels(name, "failed").inc()
            if name == Activity.SEND_MAIL.value:
                WORKER_EMAILS.labels("failed").inc()
            raise
        WORKER_ACTIVITIES.labels(name, "completed").inc()
        if name == Activity.SEND_MAIL.value:
            WORKER_EMAILS.labels("sent").inc()
        return result
