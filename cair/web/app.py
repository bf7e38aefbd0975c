"""The web application: the JSON API under /api/v1 and, beside it, the pages people use in a
browser, with their assets (the API's documentation too, served from the app: no CDN). One per
process; it holds one Context (database engine, Temporal client) for all requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from cair.domain.limits import MAX_REQUEST_BYTES
from cair.operations.context import Context
from cair.settings import Settings
from cair.telemetry.endpoint import install_metrics
from cair.telemetry.http import RequestDurations
from cair.telemetry.tracing import trace_requests
from cair.web import iis, problems
from cair.web.api import (
    applicants,
    audit_export,
    contact_confirmations,
    data_exchange,
    facility_consents,
    health,
    links,
    representatives,
    sites,
    staff,
    staff_overview,
)
from cair.web.idempotency import Idempotency
from cair.web.middleware import AccessLog, AllowEveryMethod, BodyLimit, SecurityHeaders
from cair.web.pages import router as pages_router
from cair.web.pages.cookies import over_https
from cair.web.pages.rendering import STATIC, static_url

API_VERSION = "1.0.0"
DESCRIPTION = """\
Online enrollment and account management for the California Immunization Registry.

**Who may call what.** Applicants hold the status token given when they submitted (or the link
of their acknowledgement e-mail); representatives and staff hold a session token, from an
e-mailed sign-in link redeemed at `POST /api/v1/sessions`. Send either as
`Authorization: Bearer <token>`. Each operation's `x-audience` says who may call it.

**Conventions.** Errors are `application/problem+json` (RFC 9457), with one entry per invalid
field in `errors`. Every POST honours an `Idempotency-Key` header. Lists are paged with
`limit` and `offset`. Rate limits answer 429 with `Retry-After`. Tokens from e-mailed links
travel in request bodies, never in URLs.
"""


# Swagger UI 5 as fastapi-offline ships it (only its assets are used).
SWAGGER_ASSETS = Path(fastapi_offline.__file__).parent / "static"
DOCS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>CAIR onboarding API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="{init}"></script></body></html>"""


def create_app(settings: Settings, *, ctx: Context | None = None) -> FastAPI:
    context = ctx or Context(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await context.close()

    app = FastAPI(
        title="CAIR onboarding API",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        responses=problems.COMMON_RESPONSES,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.ctx = context
    problems.install(app)
    # Starlette tries the routes in order: the SOAP endpoint, a site's every message, comes first.
    for router in (
        iis.router,
        applicants.router,
        links.router,
        contact_confirmations.router,
        representatives.router,
        staff.router,
        audit_export.router,
        staff_overview.router,
        health.router,
        data_exchange.router,
        facility_consents.router,
        sites.router,
        pages_router(),
    ):
        app.include_router(router)
    install_metrics(
        app,
        context.db,
        token=settings.metrics_token.get_secret_value() if settings.metrics_token else None,
    )
    app.mount("/static/swagger", StaticFiles(directory=SWAGGER_ASSETS))
    app.mount("/static", StaticFiles(directory=STATIC))

    @app.get("/api/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE.format(init=static_url("swagger-init.js")))

    # Outermost last: the access log sees everything, the body limit runs before idempotency
    # reads a body.
    app.add_middleware(Idempotency, ctx=context)
    app.add_middleware(BodyLimit, max_bytes=MAX_REQUEST_BYTES, own_limit=(iis.PREFIX + "/",))
    app.add_middleware(SecurityHeaders, hsts=over_https(settings))
    app.add_middleware(AllowEveryMethod)
    app.add_middleware(AccessLog)
    app.add_middleware(RequestDurations)  # outermost: times all of the above too
    trace_requests(app)  # wraps the whole stack, whatever is added above
    return app
