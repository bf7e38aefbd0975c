"""The web application: the JSON API under /api/v1 (and, beside it, the pages). One per
process; it holds one Context (database engine, Temporal client) for all requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cair.domain.limits import MAX_REQUEST_BYTES
from cair.operations.context import Context
from cair.settings import Settings
from cair.web import problems
from cair.web.api import applicants, health, links, representatives, staff
from cair.web.idempotency import Idempotency
from cair.web.middleware import AccessLog, BodyLimit

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
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.ctx = context
    problems.install(app)
    for router in (
        applicants.router,
        links.router,
        representatives.router,
        staff.router,
        health.router,
    ):
        app.include_router(router)
    # Outermost last: the access log sees everything, the body limit runs before idempotency
    # reads a body.
    app.add_middleware(Idempotency, ctx=context)
    app.add_middleware(BodyLimit, max_bytes=MAX_REQUEST_BYTES)
    app.add_middleware(AccessLog)
    return app
