"""Contracts of the RetentionWorkflow (started daily by the ``retention`` Schedule): how long each
kind of record is kept, the cut-offs one run purges before, and what it purged.

The periods travel in the workflow's input, not in the worker's settings: ``cair retention
schedule`` writes them into the Schedule, so a changed setting applies from the next run and a
run's history says which periods it used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PurgedKind(StrEnum):
    """What retention purges, as audit rows and the ``cair_purged_total`` counter name it."""

    CLOSED_REQUESTS = "closed_requests"
    DX_MESSAGES = "dx_messages"
    LINKS = "links"
    SESSIONS = "sessions"
    IDEMPOTENCY_KEYS = "idempotency_keys"
    RATE_LIMIT_ATTEMPTS = "rate_limit_attempts"


@dataclass(frozen=True)
class RetentionPeriods:
    """Days each kind is kept after it ended (settings ``retention_*_days``)."""

    closed_requests_days: int = 365
    dx_messages_days: int = 180
    links_days: int = 30
    sessions_days: int = 30  # also idempotency keys and rate-limit attempts


@dataclass(frozen=True)
class RetentionInput:
    periods: RetentionPeriods
    # One purge may delete a year's backlog on its first run; each batch commits, so a retry
    # after a timeout carries on where the last one stopped.
    activity_timeout_seconds: float = 1800.0


@dataclass(frozen=True)
class PurgeOrder:
    """Cut-offs from the workflow's clock: rows that ended before them go. ``run_key`` keys the
    audit rows, so a retried activity audits once."""

    run_key: str
    closed_requests_before: datetime
    dx_messages_before: datetime
    links_before: datetime
    sessions_before: datetime


@dataclass(frozen=True)
class PurgeCounts:
    closed_requests: int = 0
    dx_messages: int = 0
    links: int = 0
    sessions: int = 0
    idempotency_keys: int = 0
    rate_limit_attempts: int = 0

    def by_kind(self) -> dict[PurgedKind, int]:
        return {kind: int(getattr(self, kind.value)) for kind in PurgedKind}
