"""RepresentativeSignInWorkflow (id ``sign-in-<provider id>-<nonce>``): e-mail a representative a
single-use sign-in link and end its life after its time-to-live, on a durable timer."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from cair.domain.account import SignInInput
    from cair.domain.contracts import Activity, Mail, MailOrder
    from cair.workflows.activity_calls import call


@workflow.defn
class RepresentativeSignInWorkflow:
    @workflow.run
    async def run(self, start: SignInInput) -> None:
        key = workflow.info().workflow_id
        await call(
            Activity.SEND_MAIL,
            MailOrder(
                key=key,
                mail=Mail.SIGN_IN_LINK,
                provider_id=start.provider_id,
                extra={
                    "representative_id": str(start.representative_id),
                    "ttl_minutes": str(start.ttl_minutes),
                },
            ),
            timeout_seconds=start.activity_timeout_seconds,
            result_type=str,
        )
        await workflow.sleep(timedelta(minutes=start.ttl_minutes))
        await call(
            Activity.EXPIRE_SIGN_IN_LINK,
            key,
            timeout_seconds=start.activity_timeout_seconds,
        )
