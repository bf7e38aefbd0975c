"""``cair serve``: the application uvicorn runs, one per worker process."""

from __future__ import annotations

from fastapi import FastAPI

from cair.settings import get_settings
from cair.web.app import create_app


def application() -> FastAPI:
    return create_app(get_settings())
