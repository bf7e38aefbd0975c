"""How long the API takes to answer, per route template: a pure ASGI middleware (no request
object, no body buffering), so timing every request costs one histogram observation."""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cair.telemetry.metrics import HTTP_DURATION

UNMATCHED = "other"
# Methods a client may send are unbounded (any token): others share one label.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_label(scope: Scope, root_path: str = "") -> str:
    """The matched route's template (``/api/v1/enrollments/{enrollment_id}``), a mount's
    prefix (``/static``), or ``other``: never the path a client sent. ``root_path`` is the
    scope's before routing (a mount appends its prefix to it as it matches)."""
    route: Any = scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(template, str) and template:
        return template
    mounted = str(scope.get("root_path", ""))
    if mounted != root_path and mounted.startswith(root_path):
        return mounted[len(root_path) :]
    return UNMATCHED


class RequestDurations:
    """Observe ``cair_http_request_duration_seconds`` once per HTTP request, until the last
    byte of the answer was handed on (or the application failed: a 500)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        root_path = str(scope.get("root_path", ""))

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            method = str(scope.get("method", ""))
            HTTP_DURATION.labels(
                method if method in METHODS else "other", route_label(scope, root_path), str(status)
            ).observe(time.perf_counter() - started)
