"""Holding a step that failed for good: a long-lived workflow records the incident, tells staff,
and waits for them to ask for a retry, instead of failing and refusing everything after."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from cair.domain.contracts.failures import StaffRetry
    from cair.workflows.incident_reports import IncidentReports, Subject
    from cair.workflows.steps import failure_reason

__all__ = ["Holding", "Subject"]


class Holding:
    def __init__(self, *, timeout_seconds: float, key_prefix: str) -> None:
        self._incidents = IncidentReports(timeout_seconds=timeout_seconds)
        self._prefix = key_prefix
        self.count = 0
        self.step: str | None = None
        self.reason: str | None = None
        self._retry: StaffRetry | None = None

    @property
    def held(self) -> bool:
        return self.step is not None

    def refusal(self, action: str) -> str | None:
        """Why ``action`` (a retry) cannot be taken now, or None."""
        if not self.held or self._retry is not None:
            return f"cannot {action}: no failed step is held"
        return None

    def validate_retry(self, retry: StaffRetry, action: str) -> None:
        """The ``retry`` update's validator: a named staff member, and a step held."""
        if not retry.by.strip():
            raise ValueError("by: name the staff member who retries the step")
        refusal = self.refusal(action)
        if refusal:
            raise ValueError(refusal)

    def release(self, retry: StaffRetry) -> None:
        """Called from the workflow's ``retry`` update once its validator passed."""
        self._retry = StaffRetry(by=retry.by.strip())

    async def hold(self, step: str, failure: ActivityError, subject: Subject) -> StaffRetry:
        """Record the failure, tell staff, and wait; returns the staff member's retry."""
        self.count += 1
        self.step, self.reason = step, failure_reason(failure)
        await self._incidents.report(
            f"{self._prefix}/hold-{self.count}", step, self.reason, subject
        )
        await workflow.wait_condition(lambda: self._retry is not None)
        retry = self._retry
        assert retry is not None
        self.step = self.reason = self._retry = None
        return retry
