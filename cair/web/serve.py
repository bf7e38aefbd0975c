"""``cair serve``: the application uvicorn runs, one per worker process. Each process logs one
line per request (``cair.access``) and what goes wrong, to standard error."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from cair.settings import get_settings
from cair.web.app import create_app


def application() -> FastAPI:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("alembic", "temporalio", "uvicorn.access", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return create_app(get_settings())
