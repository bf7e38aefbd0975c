"""The API's ``/metrics``: the store's gauges read at scrape time (at most once per
``CACHE_SECONDS``, however many scrapers ask at once), then the registry in Prometheus's text
format. Not in the OpenAPI document, and not for the public: a reverse proxy in front of the
API must not pass ``/metrics`` on, and with ``CAIR_METRICS_TOKEN`` set a scrape must bring it as
a bearer token (docs/operations.md)."""

from __future__ import annotations

import asyncio
import hmac
import logging
import time

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from cair.domain.account_changes import ChangeStatus
from cair.store.database import Database
from cair.store.metrics_queries import read_gauges
from cair.telemetry.metrics import API_REGISTRY, STORE_READ_ERRORS, show
from cair.web.identity import client_address

log = logging.getLogger("cair.metrics")

CACHE_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 5.0
MAIL_STEP_PREFIX = "mail "  # workflows/steps.py names a mail's step "mail <kind>"


class StoreReading:
    """The last reading of the store's gauges and when it was taken; one reading at a time."""

    def __init__(self, db: Database, *, cache_seconds: float = CACHE_SECONDS) -> None:
        self._db = db
        self._cache_seconds = cache_seconds
        self._read_at: float | None = None
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        """Read the store unless a reading is fresh; a failed reading is counted and logged,
        and the last values stay (a scrape still answers: the process is up)."""
        async with self._lock:
            now = time.monotonic()
            if self._read_at is not None and now - self._read_at < self._cache_seconds:
                return
            try:
                async with self._db.sessions() as session:
                    gauges = await asyncio.wait_for(
                        read_gauges(
                            session,
                            awaiting_approval=ChangeStatus.AWAITING_APPROVAL.value,
                            mail_step_prefix=MAIL_STEP_PREFIX,
                        ),
                        timeout=READ_TIMEOUT_SECONDS,
                    )
            except Exception as error:  # noqa: BLE001 - any failure: serve the last values
                STORE_READ_ERRORS.inc()
                log.warning("metrics: cannot read the store (%s)", type(error).__name__)
            else:
                show(gauges)
            self._read_at = time.monotonic()


# Without a token, a scrape from this machine only (the client as the rate limits see it, so a
# proxy named in CAIR_TRUSTED_PROXY_HEADER does not make every caller local).
LOOPBACK = frozenset({"127.0.0.1", "::1"})


def install_metrics(app: FastAPI, db: Database, *, token: str | None = None) -> None:
    """Add ``GET /metrics`` to the app, reading ``db``; with ``token``, only for its bearer."""
    reading = StoreReading(db)
    expected = f"Bearer {token}".encode() if token else None

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode()
        if expected is not None and not hmac.compare_digest(given, expected):
            return PlainTextResponse(
                "metrics: bring the scrape token",
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if expected is None and client_address(request) not in LOOPBACK:
            return PlainTextResponse(
                "metrics: only from this machine, unless CAIR_METRICS_TOKEN is set",
                status_code=403,
            )
        await reading.refresh()
        return Response(generate_latest(API_REGISTRY), media_type=CONTENT_TYPE_LATEST)
