"""What an operator tunes to watch and keep the service: its metrics ports, where traces go,
and how long ended records are kept. Part of ``Settings`` (cair/settings.py), read the same way
from ``CAIR_`` variables."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings


class OperationsSettings(BaseSettings):
    """Metrics, traces and retention (docs/operations.md)."""

    # The worker's own /metrics and the Temporal SDK's, 0: off (docs/operations.md).
    worker_metrics_port: int = Field(default=0, ge=0, le=65535)
    worker_sdk_metrics_port: int = Field(default=0, ge=0, le=65535)
    worker_metrics_host: str = "127.0.0.1"
    metrics_token: SecretStr | None = Field(
        default=None, description="If set, the API's /metrics answers only this bearer token."
    )
    dev_prometheus_port: int = Field(default=9090, ge=0, le=65535)  # a free one if taken
    otel_exporter: Literal["none", "otlp"] = Field(
        default="none", description="Where traces go: nowhere, or OTLP/HTTP (docs/operations.md)."
    )
    otel_exporter_otlp_endpoint: str = Field(
        default="http://localhost:4318", description="The OTLP/HTTP collector (its base URL)."
    )
    # Days a kind is kept once ended, then purged daily (docs/operations.md, "Retention"; the
    # sessions' period also covers idempotency keys and rate-limit attempts).
    retention_closed_requests_days: int = Field(default=365, ge=1)
    retention_dx_messages_days: int = Field(default=180, ge=1)
    retention_links_days: int = Field(default=30, ge=1)
    retention_sessions_days: int = Field(default=30, ge=1)
