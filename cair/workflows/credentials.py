"""ReissueCredentialsWorkflow (id ``credentials-<provider id>-<n>``): staff re-issue an
organization's data-exchange credentials; the old secret stops working and the primary contact
gets a new single-use reveal link."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from cair.domain.contracts import Activity, CredentialIssue, Credentials, Mail, MailOrder
    from cair.workflows.activity_calls import call


@dataclass(frozen=True)
class ReissueInput:
    provider_id: str
    by: str
    activity_timeout_seconds: float = 30.0


@workflow.defn
class ReissueCredentialsWorkflow:
    @workflow.run
    async def run(self, start: ReissueInput) -> Credentials:
        key = workflow.info().workflow_id
        issued: Credentials = await call(
            Activity.ISSUE_CREDENTIALS,
            CredentialIssue(provider_id=start.provider_id, issue_key=key, by=start.by),
            timeout_seconds=start.activity_timeout_seconds,
            result_type=Credentials,
        )
        await call(
            Activity.SEND_MAIL,
            MailOrder(
                key=f"{key}/mail", mail=Mail.CREDENTIALS_REISSUED, provider_id=start.provider_id
            ),
            timeout_seconds=start.activity_timeout_seconds,
            result_type=str,
        )
        return issued
