"""One trace from an HTTP request to the activities of the workflow it started: the app and a
real worker (cair.worker.build_worker) in this process, on the session's dev server, spans in
an in-memory exporter scrubbed as they would leave. The request's span, the
Update-with-start, the workflow's spans and the activity's share one trace id; the access log's
line names it; no span names or holds the status token, though it travelled in a page's path
and in an Authorization header."""

from __future__ import annotations

import base64
import io
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_trace_id
from temporalio.testing import WorkflowEnvironment

from cair.devstack.outbox_smtp import OutboxSmtpServer
from cair.devstack.ports import free_port
from cair.logs import FORMAT, WithoutExceptionMessages, WithTraceId
from cair.operations.context import Context
from cair.settings import Settings
from cair.store.database import Database
from cair.store.migrate import migrate_database
from cair.telemetry.tracing import install_in_memory_exporter
from cair.temporal.client import connect
from cair.web.app import create_app
from cair.worker import build_worker
from tests.helpers.codec import CODEC_KEY
from tests.helpers.examples import variant
from tests.helpers.waiting import eventually

BASE = "http://localhost:8000"


@pytest_asyncio.fixture(loop_scope="session")
async def traced(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> AsyncIterator[tuple[InMemorySpanExporter, httpx.AsyncClient]]:
    """Traces on (before the client and the app are made, as a process configures them at
    start), then the app and a worker on a task queue of their own."""
    exporter = install_in_memory_exporter()
    smtp = OutboxSmtpServer(tmp_path / "outbox", host="127.0.0.1", port=free_port())
    smtp.start()
    settings = Settings(
        _env_file=None,
        var_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'cair.db'}",
        temporal_address=dev_server.client.service_client.config.target_host,
        temporal_task_queue=f"traces-{uuid.uuid4().hex[:8]}",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        codec_key=base64.b64encode(CODEC_KEY).decode(),
        public_base_url=BASE,
    )
    await migrate_database(settings)
    client = await connect(settings)
    db = Database(settings, queue_sqlite=True)
    ctx = Context(settings, client=client)
    try:
        async with build_worker(client, db, settings):
            transport = httpx.ASGITransport(app=create_app(settings, ctx=ctx))
            async with httpx.AsyncClient(transport=transport, base_url=BASE, timeout=60) as api:
                yield exporter, api
    finally:
        exporter.shutdown()  # keeps no spans of later tests
        await ctx.close()
        await db.dispose()
        smtp.stop()


@contextmanager
def access_lines() -> Iterator[io.StringIO]:
    """The access log's lines, formatted as every process formats them."""
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(WithoutExceptionMessages())
    handler.addFilter(WithTraceId())
    logger = logging.getLogger("cair.access")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.mark.asyncio(loop_scope="session")
async def test_one_trace_from_the_request_to_the_activity(
    traced: tuple[InMemorySpanExporter, httpx.AsyncClient],
) -> None:
    exporter, api = traced
    with access_lines() as lines:
        submitted = await api.post("/api/v1/enrollments", json=variant("clinic", "Traced"))
    assert submitted.status_code == 201, submitted.text
    enrollment, token = submitted.json()["id"], submitted.json()["status_token"]

    spans = exporter.get_finished_spans()
    (request,) = [s for s in spans if s.kind is SpanKind.SERVER and s.name.startswith("POST")]
    assert request.name == "POST /api/v1/enrollments"
    assert request.attributes and request.attributes["http.route"] == "/api/v1/enrollments"
    trace_id = _trace_id(request)
    assert f"trace={trace_id}:" in lines.getvalue()

    def in_the_trace() -> list[ReadableSpan] | None:
        found = [s for s in exporter.get_finished_spans() if _trace_id(s) == trace_id]
        names = {s.name for s in found}
        return found if "RunActivity:register_request" in names else None

    names = {s.name for s in await eventually(in_the_trace)}
    assert {
        "StartUpdateWithStartWorkflow:EnrollmentWorkflow",
        "RunWorkflow:EnrollmentWorkflow",
        "StartActivity:register_request",
        "RunActivity:register_request",
    } <= names, names

    # The token in a page's path and in an Authorization header: named by template only. What
    # the instrumentation records, unscrubbed, shows what the scrubbing is for.
    raw = InMemorySpanExporter()
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    provider.add_span_processor(SimpleSpanProcessor(raw))
    page = await api.get(f"/status/{token}")
    assert page.status_code == 200
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await api.get(f"/api/v1/enrollments/{enrollment}", headers=bearer)).status_code == 200
    await api.get("/healthz")
    everything = exporter.get_finished_spans()
    assert "GET /status/{token}" in {s.name for s in everything}
    assert any(token in repr(dict(s.attributes or {})) for s in raw.get_finished_spans())
    assert not [s for s in everything if "healthz" in s.name]
    for span in everything:
        assert token not in span.name
        assert token not in repr(dict(span.attributes or {})), span.name
        assert token not in repr([dict(e.attributes or {}) for e in span.events]), span.name
        assert enrollment not in span.name
    raw.shutdown()


def _trace_id(span: ReadableSpan) -> str:
    assert span.context is not None
    return format_trace_id(span.context.trace_id)


def test_an_exception_leaves_its_type_not_its_message() -> None:
    """A failed validation's message quotes what a person typed: as in the logs, it stays."""
    exporter = install_in_memory_exporter()
    with pytest.raises(ValueError), trace.get_tracer(__name__).start_as_current_span("failing"):
        raise ValueError("Jane Doe, 1 Main St")
    (span,) = [s for s in exporter.get_finished_spans() if s.name == "failing"]
    assert span.status.description == "ValueError"
    (event,) = span.events
    assert dict(event.attributes or {}) == {"exception.type": "ValueError"}
    exporter.shutdown()
