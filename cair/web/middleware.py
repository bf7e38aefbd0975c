"""What every request passes through: a body size limit, an access log that names the route
(its template, never the values in the path, never a query string) and never a token, and API
answers that are not cached (they hold personal data)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cair.web.problems import MEDIA_TYPE, TITLES

access_log = logging.getLogger("cair.access")


async def send_problem(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"type": "about:blank", "title": TITLES[status], "status": status,
                       "detail": detail, "errors": []}).encode()  # fmt: skip
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse a body larger than ``max_bytes`` before the application reads it."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await send_problem(send, 413, f"the body must be at most {self.max_bytes} bytes")
            return
        received = 0
        too_large = False

        async def limited() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        started = False

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, limited, watching)
        if too_large and not started:
            await send_problem(send, 413, f"the body must be at most {self.max_bytes} bytes")


class AccessLog:
    """One line per request: method, route template, status, milliseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if scope["path"].startswith("/api/"):
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"cache-control", b"no-store"),
                        (b"x-content-type-options", b"nosniff"),
                    ]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path", None) or _first_segment(scope["path"])
            access_log.info(
                "%s %s %d %.0fms",
                scope.get("method", "-"),
                template,
                status,
                (time.perf_counter() - started) * 1000,
            )


def _first_segment(path: str) -> str:
    """For a path no route matched: only its first segment (it may hold a token after)."""
    return "/" + path.strip("/").split("/", 1)[0] + ("/…" if path.count("/") > 1 else "")
