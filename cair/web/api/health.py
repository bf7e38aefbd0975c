"""Probes for a load balancer or an orchestrator: the process is up; its database and Temporal
answer."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from cair.store.health import database_answers
from cair.web.identity import PUBLIC, Ctx

router = APIRouter(tags=["health"])


@router.get("/healthz", openapi_extra=PUBLIC)
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    openapi_extra=PUBLIC,
    responses={503: {"description": "A part this service needs does not answer."}},
)
async def readyz(ctx: Ctx) -> JSONResponse:
    """The database and Temporal answer within two seconds each."""
    parts = {"database": "ok", "temporal": "ok"}
    try:
        await asyncio.wait_for(database_answers(ctx.db), timeout=2)
    except Exception:  # noqa: BLE001 - any failure means not ready
        parts["database"] = "unavailable"
    try:
        client = await asyncio.wait_for(ctx.temporal(), timeout=2)
        await asyncio.wait_for(client.service_client.check_health(), timeout=2)
    except Exception:  # noqa: BLE001
        parts["temporal"] = "unavailable"
    ready = all(v == "ok" for v in parts.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **parts}, 200 if ready else 503
    )
