"""Failures a retry cannot mend, and the incident a workflow records instead of failing."""

from __future__ import annotations

from dataclasses import dataclass

# The ApplicationError type of a final failure (bad data, a refused address). Workflows' retry
# policies name it non-retryable; the workflow then holds the step for staff.
BAD_DATA = "BadData"


@dataclass(frozen=True)
class Incident:
    """A step that failed for good, recorded once per ``key``. ``reason`` is sanitized:
    identifiers only, no personal data."""

    key: str
    workflow_id: str
    step: str
    reason: str
    enrollment_id: str | None = None
    provider_id: str | None = None
    user_id: str | None = None
    change_id: str | None = None


@dataclass(frozen=True)
class StaffRetry:
    """Staff fixed what made a step fail and ask the workflow to run it again."""

    by: str
