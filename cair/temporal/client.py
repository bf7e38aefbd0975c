"""Connect to Temporal as configured (dev server, a cluster, or Temporal Cloud)."""

from __future__ import annotations

from temporalio.client import Client

from cair.settings import Settings
from cair.temporal.converter import data_converter


async def connect(settings: Settings) -> Client:
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=settings.temporal_tls or api_key is not None,
        api_key=api_key,
        data_converter=data_converter(settings.codec_ring()),
    )
