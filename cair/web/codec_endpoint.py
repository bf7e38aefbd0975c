"""The remote codec endpoint: the Temporal Web UI posts encrypted payloads here and shows the
decoded ones, so ops read workflow data without the key ever leaving the server."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from cair.temporal.codec import EncryptionCodec

DEFAULT_ORIGINS = ["http://localhost:8233", "http://127.0.0.1:8233"]


def create_codec_app(key: bytes, *, allowed_origins: list[str] | None = None) -> FastAPI:
    codec = EncryptionCodec(key)
    app = FastAPI(title="CAIR payload codec", docs_url=None, redoc_url=None)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=allowed_origins or DEFAULT_ORIGINS,
        allow_methods=["POST", "OPTIONS"],
        allow_headers=["content-type", "x-namespace", "authorization"],
    )

    async def _convert(
        request: Request, apply: Callable[[Sequence[Payload]], Awaitable[list[Payload]]]
    ) -> dict[str, Any]:
        payloads = json_format.Parse(await request.body(), Payloads())
        converted = Payloads(payloads=await apply(list(payloads.payloads)))
        result: dict[str, Any] = json_format.MessageToDict(converted)
        return result

    @app.post("/decode")
    async def decode(request: Request) -> dict[str, Any]:
        return await _convert(request, codec.decode)

    @app.post("/encode")
    async def encode(request: Request) -> dict[str, Any]:
        return await _convert(request, codec.encode)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "key_id": codec.key_id}

    return app
