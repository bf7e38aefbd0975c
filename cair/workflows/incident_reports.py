"""Reporting an incident from a workflow: recorded once per key, and staff told by e-mail.

A long-lived workflow that keeps serving after a failure (an account) only reports; one that
must stop until staff act (see ``held_steps``) reports and then waits."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from cair.domain.contracts.failures import Incident
    from cair.domain.contracts.mail import Mail, MailOrder
    from cair.workflows.steps import Steps


@dataclass(frozen=True)
class Subject:
    """What the incident is about, for the incident record and staff's e-mail."""

    enrollment_id: str | None = None
    provider_id: str | None = None
    user_id: str | None = None
    change_id: str | None = None


class IncidentReports:
    def __init__(self, *, timeout_seconds: float) -> None:
        self._steps = Steps(timeout_seconds=timeout_seconds)

    async def report(self, key: str, step: str, reason: str, subject: Subject) -> None:
        """Record an incident once per ``key`` and tell staff, without waiting."""
        await self._steps.record_incident(
            Incident(
                key=key,
                workflow_id=workflow.info().workflow_id,
                step=step,
                reason=reason,
                enrollment_id=subject.enrollment_id,
                provider_id=subject.provider_id,
                user_id=subject.user_id,
                change_id=subject.change_id,
            )
        )
        with contextlib.suppress(ActivityError):  # the incident is recorded even if mail is down
            await self._steps.send_mail(
                MailOrder(
                    key=key,
                    mail=Mail.STAFF_INCIDENT,
                    enrollment_id=subject.enrollment_id,
                    provider_id=subject.provider_id,
                    user_id=subject.user_id,
                    change_id=subject.change_id,
                    incident_key=key,
                )
            )
