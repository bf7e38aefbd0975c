"""The remote codec endpoint: the Temporal Web UI posts encrypted payloads here and shows the
decoded ones, so ops read workflow data without the key ever leaving the server.

Only callers holding the token are answered: ``Authorization: Bearer <token>`` (the CLI's
``--codec-auth``, or a UI that passes its access token), or the token as the first path segment,
``/<token>/decode`` — the protocol looks only at the last segment, and it is how the dev server's
UI, which has no sign-in of its own, is given a credential. A request for another namespace is
refused; bodies are limited; malformed bodies get 400, never a 500.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from cair.security.keyring import KeyRing
from cair.temporal.codec import CodecError, EncryptionCodec

DEFAULT_ORIGINS = ["http://localhost:8233", "http://127.0.0.1:8233"]
MAX_BODY_BYTES = 4 * 1024 * 1024


def create_codec_app(
    keys: KeyRing | bytes,
    *,
    token: str,
    namespace: str | None = None,
    allowed_origins: list[str] | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    # Lenient: the UI shows plaintext payloads Temporal itself writes; workers refuse them.
    codec = EncryptionCodec(keys, refuse_unsealed=False)
    app = FastAPI(title="CAIR payload codec", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=allowed_origins or DEFAULT_ORIGINS,
        allow_methods=["POST", "OPTIONS"],
        allow_headers=["content-type", "x-namespace", "authorization"],
    )

    @app.exception_handler(HTTPException)
    async def _problem(_request: Request, error: HTTPException) -> JSONResponse:
        return JSONResponse(
            {"title": error.detail, "status": error.status_code},
            status_code=error.status_code,
            media_type="application/problem+json",
            headers=error.headers,
        )

    def _authorize(request: Request, path_token: str | None) -> None:
        header = request.headers.get("authorization", "")
        offered = path_token or header.removeprefix("Bearer ").strip()
        if not offered or not secrets.compare_digest(offered.encode(), token.encode()):
            raise HTTPException(
                401, "a valid codec token is required", {"WWW-Authenticate": "Bearer"}
            )
        asked = request.headers.get("x-namespace")
        if namespace and asked and asked != namespace:
            raise HTTPException(403, f"this codec serves namespace {namespace!r} only")

    async def _convert(
        request: Request,
        path_token: str | None,
        apply: Callable[[Sequence[Payload]], Awaitable[list[Payload]]],
    ) -> dict[str, Any]:
        _authorize(request, path_token)
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > max_body_bytes:
            raise HTTPException(413, f"the body must be at most {max_body_bytes} bytes")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body_bytes:
                raise HTTPException(413, f"the body must be at most {max_body_bytes} bytes")
        try:
            payloads = json_format.Parse(body, Payloads())
        except (json_format.ParseError, UnicodeDecodeError, ValueError) as bad:
            raise HTTPException(
                400, f"not a Payloads JSON document ({type(bad).__name__})"
            ) from None
        try:
            converted = Payloads(payloads=await apply(list(payloads.payloads)))
        except CodecError as refused:
            raise HTTPException(400, str(refused)) from None
        except Exception as broken:  # noqa: BLE001 - e.g. a payload that is not protobuf inside
            raise HTTPException(
                400, f"a payload could not be read ({type(broken).__name__})"
            ) from None
        result: dict[str, Any] = json_format.MessageToDict(converted)
        return result

    @app.post("/decode")
    async def decode(request: Request) -> dict[str, Any]:
        return await _convert(request, None, codec.decode)

    @app.post("/encode")
    async def encode(request: Request) -> dict[str, Any]:
        return await _convert(request, None, codec.encode)

    @app.post("/{path_token}/decode")
    async def decode_with_path_token(path_token: str, request: Request) -> dict[str, Any]:
        return await _convert(request, path_token, codec.decode)

    @app.post("/{path_token}/encode")
    async def encode_with_path_token(path_token: str, request: Request) -> dict[str, Any]:
        return await _convert(request, path_token, codec.encode)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "key_id": codec.key_id}

    return app
