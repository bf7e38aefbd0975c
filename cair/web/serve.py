"""``cair serve``: the application uvicorn runs, one per worker process. Each process logs one
line per request (``cair.access``) and what goes wrong, to standard error."""

from __future__ import annotations

from fastapi import FastAPI

from cair.logs import configure_logging
from cair.settings import get_settings
from cair.telemetry.tracing import configure_tracing
from cair.web.app import create_app


def application() -> FastAPI:
    configure_logging()
    configure_tracing(get_settings(), "cair-api")
    return create_app(get_settings())
