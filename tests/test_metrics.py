"""Metrics as operators read them: the API's /metrics, the worker's two ports (its own registry
and the Temporal SDK's), and a real Prometheus (Debian's) scraping all of them and the Temporal
dev server, queried through its HTTP API. One stack of its own (its worker's metrics ports are
settings, and its Temporal server's metrics port too)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import httpx
import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from cair.devstack.ports import free_port
from cair.devstack.prometheus_server import PrometheusServer, Target, prometheus_binary
from cair.operations import enrollments, users
from cair.temporal import search_attributes
from cair.temporal.converter import data_converter
from tests.helpers.accounts import approve_and_wait
from tests.helpers.codec import CODEC_KEY
from tests.helpers.examples import variant
from tests.helpers.paths import BIN
from tests.helpers.stack import Stack, build_stack
from tests.helpers.waiting import eventually

NAMESPACE = "cair-metrics"


@dataclass
class Metered:
    stack: Stack
    worker_port: int
    sdk_port: int
    temporal_metrics_port: int


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def metered(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Metered]:
    temporal_metrics_port = free_port()
    server = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        search_attributes=list(search_attributes.ALL_KEYS),
        data_converter=data_converter(CODEC_KEY),
        dev_server_log_level="error",
        dev_server_extra_args=[
            "--namespace",
            NAMESPACE,
            "--metrics-port",
            str(temporal_metrics_port),
        ],
        ui=False,
    )
    var_dir = tmp_path_factory.mktemp("stack-metrics")
    worker_port, sdk_port = free_port(), free_port()
    stack, smtp = await build_stack(
        "metrics",
        var_dir,
        f"sqlite:///{var_dir / 'cair.db'}",
        server.client.service_client.config.target_host,
        namespace=NAMESPACE,
        extra_env={
            "CAIR_WORKER_METRICS_PORT": str(worker_port),
            "CAIR_WORKER_SDK_METRICS_PORT": str(sdk_port),
        },
    )
    yield Metered(stack, worker_port, sdk_port, temporal_metrics_port)
    stack.stop_workers()
    smtp.stop()
    await server.shutdown()


def scrape(url: str) -> str:
    answer = httpx.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.text


def value(text: str, series: str) -> float | None:
    """The sample of ``series`` (its name and labels exactly as exposed), if there is one."""
    found = re.search(rf"^{re.escape(series)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else None


async def test_the_api_and_the_worker_expose_their_metrics(metered: Metered) -> None:
    stack = metered.stack
    ctx = stack.context()
    try:
        created = httpx.post(
            f"{stack.api_url}/api/v1/enrollments",
            json=variant("clinic", "Metrics"),
            timeout=30,
        )
        assert created.status_code == 201, created.text
        enrollment_id, stage = created.json()["id"], created.json()["stage"]
        httpx.get(f"{stack.api_url}/api/v1/enrollments/{enrollment_id}", timeout=10)
        refused = httpx.post(
            f"{stack.api_url}/api/v1/sessions", json={"token": "no-such-link-" * 3}, timeout=10
        )
        assert refused.status_code >= 400
        api = scrape(f"{stack.api_url}/metrics")
        assert value(api, f'cair_enrollments{{stage="{stage}"}}') == 1.0
        assert value(api, 'cair_enrollments{stage="completed"}') == 0.0
        assert value(api, 'cair_emails{state="failed"}') == 0.0
        assert value(api, "cair_held_steps") == 0.0
        assert value(api, "cair_account_changes_awaiting_approval") == 0.0
        assert value(api, 'cair_dx_sites{stage="live"}') == 0.0
        assert value(api, 'cair_sign_in_refusals_total{reason="unknown_link"}') == 1.0
        assert value(api, f'cair_enrollment_oldest_age_seconds{{stage="{stage}"}}') is not None
        posted = (
            'cair_http_request_duration_seconds_count{method="POST",'
            'route="/api/v1/enrollments",status="201"}'
        )
        assert value(api, posted) == 1.0
        # The route's template, never the id a client sent.
        assert "/api/v1/enrollments/{enrollment_id}" in api and enrollment_id not in api
        assert (
            "/metrics" not in httpx.get(f"{stack.api_url}/openapi.json", timeout=10).json()["paths"]
        )

        def mail_counted() -> str | None:
            text = scrape(f"http://127.0.0.1:{metered.worker_port}/metrics")
            return text if value(text, 'cair_worker_emails_total{outcome="sent"}') else None

        worker = await eventually(mail_counted, timeout=30)  # the acknowledgement e-mail
        sent = 'cair_worker_activities_total{activity="send_mail",outcome="completed"}'
        assert (value(worker, sent) or 0) >= 1
        assert "cair_enrollments" not in worker  # each endpoint shows its own registry

        sdk = scrape(f"http://127.0.0.1:{metered.sdk_port}/metrics")
        for name in (
            "temporal_workflow_task_schedule_to_start_latency_bucket",
            "temporal_activity_execution_latency_bucket",
            "temporal_worker_task_slots_available",
        ):
            assert re.search(rf"^{name}\{{", sdk, re.MULTILINE), name
        assert f'namespace="{NAMESPACE}"' in sdk
    finally:
        await ctx.close()


@dataclass
class Prometheus:
    url: str

    def instant(self, expression: str) -> list[dict[str, object]]:
        answer = httpx.get(f"{self.url}/api/v1/query", params={"query": expression}, timeout=10)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["status"] == "success", body
        result: list[dict[str, object]] = body["data"]["result"]
        return result


@pytest.fixture
def prometheus(metered: Metered, tmp_path: Path) -> PrometheusServer:
    if prometheus_binary() is None:
        pytest.fail("Prometheus is missing: tools/install_prometheus.sh (make test runs it)")
    local = "127.0.0.1:{}".format
    return PrometheusServer(
        folder=tmp_path / "prometheus",
        port=free_port(),
        scrape_interval="1s",
        targets=[
            Target("cair-api", (metered.stack.api_url.removeprefix("http://"),)),
            Target("cair-worker", (local(metered.worker_port),)),
            Target("temporal-sdk", (local(metered.sdk_port),)),
            Target("temporal-server", (local(metered.temporal_metrics_port),)),
        ],
    )


async def test_prometheus_sees_an_enrollment_through_to_completed(
    metered: Metered, prometheus: PrometheusServer
) -> None:
    ctx = metered.stack.context()
    await prometheus.start()
    try:
        enrollment_id = await approve_and_wait(
            ctx, variant("clinic", "Scraped"), "awaiting_training"
        )
        for user in (await enrollments.status(ctx, enrollment_id)).users:
            if user.state == "pending_training":  # a read-only user needs no training
                await users.training_complete(ctx, user.user_id, kind="webinar", by="Dana Staff")

        async def completed() -> bool:
            return (await enrollments.status(ctx, enrollment_id)).stage == "completed"

        await eventually(completed, timeout=60)
        server = Prometheus(prometheus.url)

        [sample] = await eventually(
            lambda: server.instant('cair_enrollments{stage="completed"} >= 1'), timeout=60
        )
        assert sample["metric"] == {
            "__name__": "cair_enrollments",
            "stage": "completed",
            "job": "cair-api",
            "instance": metered.stack.api_url.removeprefix("http://"),
        }

        def every_target_up() -> list[dict[str, object]]:
            up = server.instant("up == 1")
            return up if len(up) == 4 else []

        up = await eventually(every_target_up, timeout=30)
        assert {cast(dict[str, str], s["metric"])["job"] for s in up} == {
            "cair-api",
            "cair-worker",
            "temporal-sdk",
            "temporal-server",
        }
        schedule_to_start = await eventually(
            lambda: server.instant("temporal_workflow_task_schedule_to_start_latency_count"),
            timeout=30,
        )
        namespaces = {cast(dict[str, str], s["metric"]).get("namespace") for s in schedule_to_start}
        assert NAMESPACE in namespaces
        assert await eventually(
            lambda: server.instant('cair_worker_emails_total{outcome="sent"} > 0'), timeout=30
        )
        rules = httpx.get(f"{prometheus.url}/api/v1/rules", timeout=10).json()
        names = {rule["name"] for group in rules["data"]["groups"] for rule in group["rules"]}
        assert {"CairReviewQueueStuck", "CairEmailsFailing", "CairHeldSteps"} <= names
        assert "CairSoapErrorRate" in names
    finally:
        prometheus.stop()
        await ctx.close()
