"""RepresentativeSignInWorkflow (id ``sign-in-<provider id>-<nonce>``, for staff
``sign-in-staff-<nonce>``): e-mail a representative — or a staff member — a single-use sign-in link
and end its life after its time-to-live, on a durable timer."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from cair.domain.contracts.mail import Mail, MailOrder
    from cair.domain.contracts.sign_in import SignInInput
    from cair.workflows.steps import Steps


@workflow.defn
class RepresentativeSignInWorkflow:
    @workflow.run
    async def run(self, start: SignInInput) -> None:
        steps = Steps(timeout_seconds=start.activity_timeout_seconds)
        key = workflow.info().workflow_id
        await steps.send_mail(
            MailOrder(
                key=key,
                mail=Mail.SIGN_IN_LINK if start.staff_id is None else Mail.STAFF_SIGN_IN_LINK,
                provider_id=start.provider_id or None,
                representative_id=start.representative_id,
                staff_id=start.staff_id,
                ttl_minutes=start.ttl_minutes,
            )
        )
        await workflow.sleep(timedelta(minutes=start.ttl_minutes))
        await steps.expire_sign_in_link(key)
