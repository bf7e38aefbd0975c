"""Staff re-issue data-exchange credentials; the old secret stops working and a new single-use
reveal link is e-mailed. ReissueCredentialsWorkflow (``credentials-<provider id>-<n>``): an
organization's; ReissueSiteCredentialsWorkflow (``credentials-<site id>-<environment>-<n>``): an
IZ Portal site's, for one environment."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from cair.domain.contracts.credentials import CredentialIssue, Credentials, ReissueInput
    from cair.domain.contracts.data_exchange import DxCredentialIssue, SiteCredentialsReissue
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


@workflow.defn
class ReissueSiteCredentialsWorkflow:
    @workflow.run
    async def run(self, start: SiteCredentialsReissue) -> Credentials:
        steps = Steps(timeout_seconds=start.activity_timeout_seconds)
        key = workflow.info().workflow_id
        issued = await steps.issue_dx_credentials(
            DxCredentialIssue(
                site_id=start.site_id, environment=start.environment, issue_key=key, by=start.by
            )
        )
        await steps.send_mail(
            MailOrder(
                key=f"{key}/mail",
                mail=Mail.DX_CREDENTIALS,
                provider_id=start.provider_id,
                site_id=start.site_id,
                environment=start.environment.value,
                note="reissued",
            )
        )
        return issued
