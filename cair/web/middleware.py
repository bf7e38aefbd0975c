"""What every request passes through: a body size limit, an access log that names the route
(its template, never the values in the path, never a query string) and never a token, the
security headers: nothing but static assets is cached (answers hold personal data), pages run
only the site's own scripts and styles, and no other site may frame them; and a 405's ``Allow``
naming every method of the path."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cair.web.problems import MEDIA_TYPE, TITLES

access_log = logging.getLogger("cair.access")


async def send_problem(send: Send, status: int, detail: str) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": TITLES[status],
            "status": status,
            "detail": detail,
            "errors": [],
        }
    ).encode()
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
    """Refuse a body larger than ``max_bytes`` before the application reads it. Paths under
    ``own_limit`` (the SOAP endpoint) enforce a limit of their own and answer in their own
    protocol."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, own_limit: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.own_limit = own_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(self.own_limit):
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
        if scope["type"] != "http" or scope["path"] == "/metrics":  # scraped every few seconds
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
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


# Pages load only the site's own assets; forms post only to the site; nothing may frame it.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
# Swagger UI sets style attributes from its script.
DOCS_POLICY = PAGE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


# Over https, browsers are told to come back only over https, for a year, subdomains too: a
# first http visit can no longer be intercepted to strip TLS or plant cookies.
HSTS = b"max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """The same headers on every answer, pages and API alike; ``hsts`` when served over https
    (never over http: a browser would then refuse the dev stack on that host)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        static = path.startswith("/static/")
        policy = DOCS_POLICY if path == "/api/docs" else PAGE_POLICY

        async def adding(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"
                ]
                headers += [
                    (b"content-security-policy", policy.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if self.hsts:
                    headers.append((b"strict-transport-security", HSTS))
                # Asset URLs carry a digest of their content (?v=…): a new asset, a new URL.
                cache = b"public, max-age=86400" if static else b"no-store"
                headers.append((b"cache-control", cache))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, adding)


class AllowEveryMethod:
    """A 405's ``Allow`` names every method the path takes (RFC 9110), not only those of the
    first route that matched the path: a path with a GET and a POST route is two routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def allowing(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                methods = _methods_of(scope)
                if methods:
                    headers = [
                        (k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"
                    ]
                    headers.append((b"allow", ", ".join(methods).encode()))
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, allowing)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _methods_of(scope: Scope) -> list[str]:
    """The methods some route of the application answers at this request's path."""
    routes = getattr(getattr(scope.get("app"), "router", None), "routes", ())
    return [
        method
        for method in _METHODS
        if any(
            not isinstance(route, Mount)
            and route.matches({**scope, "method": method})[0] == Match.FULL
            for route in routes
        )
    ]
