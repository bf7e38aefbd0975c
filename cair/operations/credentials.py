"""Data-exchange credentials: reveal the secret once through its link; staff re-issue."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from cair.domain import ids
from cair.domain.access import AccessLevel
from cair.domain.contracts.credentials import Credentials, ReissueInput
from cair.operations.context import Context
from cair.operations.errors import LinkUnusable, OperationError
from cair.operations.links import open_link
from cair.security.sealing import CREDENTIAL_SEAL, SealError, unseal
from cair.store import audit, credentials, organizations
from cair.store.links import LinkProblem, LinkPurpose
from cair.workflows.credentials import ReissueCredentialsWorkflow


@dataclass(frozen=True)
class RevealedCredentials:
    provider_id: str
    username: str
    facility_id: str
    secret: str


async def reveal(ctx: Context, token: str) -> RevealedCredentials:
    """Open a reveal link: the secret is shown this once and its sealed copy is wiped."""
    async with ctx.db.sessions.begin() as session:
        link = await open_link(session, token, purpose=LinkPurpose.CREDENTIAL_REVEAL)
        credential_id = credentials.credential_id_of(link.subject)
        credential = await credentials.get(session, credential_id)
        sealed = await credentials.take_sealed_secret(session, credential_id)
        if credential is None or sealed is None:
            raise LinkUnusable(LinkProblem.REPLACED)  # re-issued since
        org = await organizations.get(session, credential.organization_id)
        assert org is not None and org.provider_id is not None
        try:
            secret = unseal(
                ctx.settings.secrets_ring(),
                sealed,
                purpose=CREDENTIAL_SEAL,
                context=str(credential.id),
            )
        except SealError:
            raise OperationError(
                "these credentials cannot be opened any more; ask registry staff to re-issue them"
            ) from None
        await audit.append(
            session,
            key=f"credentials-revealed/{link.id}",
            actor="link holder",
            action="credentials.revealed",
            subject_type="organization",
            subject_id=org.provider_id,
            provider_id=org.provider_id,
            new={"username": credential.username},
        )
        return RevealedCredentials(
            provider_id=org.provider_id,
            username=credential.username,
            facility_id=credential.facility_id,
            secret=secret,
        )


async def reissue(ctx: Context, provider_id: str, *, by: str) -> Credentials:
    if not by.strip():
        raise OperationError("by: name the staff member who re-issues the credentials")
    async with ctx.db.sessions() as session:
        org = await organizations.by_provider_id(session, provider_id)
        if org is None:
            raise OperationError(f"no organization with Provider ID {provider_id}")
        if org.access_level != AccessLevel.DATA_EXCHANGE:
            raise OperationError(
                f"{provider_id} is not a Data Exchange organization; it has no credentials"
            )
        issued = await credentials.count_for(session, org.id)
    client = await ctx.temporal()
    try:
        return await client.execute_workflow(
            ReissueCredentialsWorkflow.run,
            ReissueInput(
                provider_id=provider_id,
                by=by.strip(),
                activity_timeout_seconds=ctx.settings.activity_timeout_seconds,
            ),
            id=ids.credentials_workflow_id(provider_id, issued + 1),
            task_queue=ctx.settings.temporal_task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        # Someone re-issued these credentials at the same moment: one new credential is made,
        # not two, and this caller is told so.
        raise OperationError(
            f"the credentials of {provider_id} were just re-issued by another request; the "
            "primary contact gets one new link"
        ) from None
