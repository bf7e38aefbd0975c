"""ReissueCredentialsWorkflow (id ``credentials-<provider id>-<n>``): staff re-issue an
organization's data-exchange credentials; the old secret stops working and the primary contact
gets a new single-use reveal link."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from cair.domain.contracts.credentials import CredentialIssue, Credentials, ReissueInput
    from cair.domain.contracts.mail import Mail, MailOrder
    from cair.workflows.steps import Steps


@workflow.defn
class ReissueCredentialsWorkflow:
    @workflow.run
    async def run(self, start: ReissueInput) -> Credentials:
        steps = Steps(timeout_seconds=start.activity_timeout_seconds)
        key = workflow.info().workflow_id
        issued = await steps.issue_credentials(
            CredentialIssue(provider_id=start.provider_id, issue_key=key, by=start.by)
        )
        await steps.send_mail(
            MailOrder(
                key=f"{key}/mail", mail=Mail.CREDENTIALS_REISSUED, provider_id=start.provider_id
            )
        )
        return issued
