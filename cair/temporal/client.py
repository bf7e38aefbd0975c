"""Connect to Temporal as configured: the dev server, a self-hosted cluster (TLS, mTLS, a
private CA), or Temporal Cloud (API key or mTLS)."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from cair.settings import Settings
from cair.telemetry.tracing import temporal_interceptors
from cair.temporal.converter import data_converter


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS as the settings ask: False for a plain dev server, True for system roots only, or a
    config carrying the private CA, the mTLS client pair and the server name."""
    cert, key = settings.temporal_tls_client_cert, settings.temporal_tls_client_key
    if (cert is None) != (key is None):
        raise ValueError(
            "CAIR_TEMPORAL_TLS_CLIENT_CERT and CAIR_TEMPORAL_TLS_CLIENT_KEY: give both or neither"
        )
    detailed = cert or settings.temporal_tls_server_ca or settings.temporal_tls_server_name
    if not detailed:
        return settings.temporal_tls or settings.temporal_api_key is not None
    return TLSConfig(
        server_root_ca_cert=_read(settings.temporal_tls_server_ca, "CAIR_TEMPORAL_TLS_SERVER_CA"),
        domain=settings.temporal_tls_server_name,
        client_cert=_read(cert, "CAIR_TEMPORAL_TLS_CLIENT_CERT"),
        client_private_key=_read(key, "CAIR_TEMPORAL_TLS_CLIENT_KEY"),
    )


def _read(path: Path | None, name: str) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as error:
        raise ValueError(f"{name}: cannot read {path} ({error.strerror})") from None


async def connect(settings: Settings, *, runtime: Runtime | None = None) -> Client:
    """``runtime``: the worker's, serving the SDK's metrics (cair/telemetry); else the default."""
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=tls_config(settings),
        api_key=api_key,
        data_converter=data_converter(settings.codec_ring()),
        runtime=runtime,
        interceptors=temporal_interceptors(),
    )
