"""Traces: one trace from an HTTP request through the workflow it starts or updates to the
activities that workflow runs (docs/operations.md, "Traces").

Off unless ``otel_exporter`` names an exporter: the OpenTelemetry SDK is imported only then, so
the CLI and a process without traces pay nothing for it. What leaves the process is scrubbed
first (``Scrubbed``): the paths of some pages hold tokens (``/status/{token}``), query strings
and headers may, and an exception's message may quote what a person typed. Route templates,
methods, status codes and workflow, run and activity ids stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import temporalio.client
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from cair.settings import Settings

# Attributes that carry what a client sent (the path, the query string, a header) or who sent
# it; the route template (http.route) says what was asked.
DROPPED = frozenset(
    {
        "http.url",
        "url.full",
        "http.target",
        "url.path",
        "url.query",
        "net.peer.ip",
        "net.peer.port",
        "client.address",
        "client.port",
        "http.client_ip",
    }
)
DROPPED_PREFIXES = ("http.request.header.", "http.response.header.")
# Probes and scrapes are not requests anyone follows.
NOT_TRACED = r"^https?://[^/]+/(healthz|readyz|metrics|static)(/|\?|$)"

_active = False


def tracing_active() -> bool:
    """Whether this process records spans: its Temporal client and web app then carry them."""
    return _active


def configure_tracing(settings: Settings, service: str) -> None:
    """Install the process's tracer provider as the settings ask (``service``: cair-api,
    cair-worker, cair-cli). One per process: a later call keeps the first."""
    if settings.otel_exporter == "none" or _active:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    exporter = OTLPSpanExporter(endpoint=otlp_traces_url(settings.otel_exporter_otlp_endpoint))
    _install(service, BatchSpanProcessor(_scrubbed(exporter)))


def otlp_traces_url(endpoint: str) -> str:
    """The collector's base URL (``http://collector:4318``) or its traces URL, as given."""
    base = endpoint.rstrip("/")
    return base if base.endswith("/v1/traces") else f"{base}/v1/traces"


def install_in_memory_exporter(service: str = "cair-test") -> InMemorySpanExporter:
    """For tests: spans go, scrubbed as they would leave, to an exporter the test reads."""
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    _install(service, SimpleSpanProcessor(_scrubbed(exporter)))
    return exporter


def _install(service: str, processor: SpanProcessor) -> None:
    global _active
    from opentelemetry import trace
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider

    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):  # the first: the API lets one be set
        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
        trace.set_tracer_provider(provider)
    provider.add_span_processor(processor)
    _active = True


def temporal_interceptors() -> list[temporalio.client.Interceptor]:
    """What a Temporal client carries: with traces on, the interceptor that makes spans of
    starts, updates, signals, workflows and activities and carries the context in headers."""
    if not _active:
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor()]


def trace_requests(app: FastAPI) -> None:
    """With traces on, one span per request, named by method and route template."""
    if not _active:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.metrics import NoOpMeterProvider

    FastAPIInstrumentor.instrument_app(
        app,
        excluded_urls=NOT_TRACED,
        meter_provider=NoOpMeterProvider(),  # metrics are Prometheus's (cair/telemetry/metrics)
        # Headers captured by OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_* are redacted.
        http_capture_headers_sanitize_fields=[".*"],
        exclude_spans=["receive", "send"],
    )


def _scrubbed(exporter: SpanExporter) -> SpanExporter:
    from opentelemetry.sdk.trace.export import SpanExporter

    class Scrubbed(SpanExporter):
        """Export copies of the spans without what a client sent or an exception said."""

        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            return exporter.export([_scrub(span) for span in spans])

        def shutdown(self) -> None:
            exporter.shutdown()

        def force_flush(self, timeout_millis: int = 30000) -> bool:
            return exporter.force_flush(timeout_millis)

    return Scrubbed()


def _scrub(span: ReadableSpan) -> ReadableSpan:
    from opentelemetry.sdk.trace import Event, ReadableSpan
    from opentelemetry.trace import Status

    status = span.status
    if status.description:  # "Type: message": the type says what failed
        status = Status(status.status_code, status.description.split(":", 1)[0])
    events = [
        Event(
            event.name,
            {k: v for k, v in (event.attributes or {}).items() if k == "exception.type"}
            if event.name == "exception"
            else event.attributes,
            event.timestamp,
        )
        for event in span.events
    ]
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes={k: v for k, v in (span.attributes or {}).items() if _kept(k)},
        events=events,
        links=span.links,
        kind=span.kind,
        status=status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


def _kept(key: str) -> bool:
    return key not in DROPPED and not key.startswith(DROPPED_PREFIXES)
