"""Data-exchange credentials: reveal the secret once through its link; staff re-issue."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cair.activities.provisioning import CREDENTIAL_SEAL
from cair.domain.contracts import Credentials
from cair.operations.context import Context, OperationError
from cair.operations.links import open_link
from cair.security.sealing import unseal
from cair.store.audit import append_audit
from cair.store.models import CredentialRow, OrganizationRow
from cair.workflows.credentials import ReissueCredentialsWorkflow, ReissueInput


@dataclass(frozen=True)
class RevealedCredentials:
    provider_id: str
    username: str
    facility_id: str
    secret: str


async def reveal(ctx: Context, token: str) -> RevealedCredentials:
    """Open a reveal link: the secret is shown this once and its sealed copy is wiped."""
    async with ctx.db.sessions.begin() as session:
        link = await open_link(session, token, purpose="credential_reveal")
        credential = await session.get(CredentialRow, int(link.subject.removeprefix("credential:")))
        if credential is None or not credential.active or credential.sealed_secret is None:
            raise OperationError("these credentials were replaced; use the latest e-mail")
        org = await session.get(OrganizationRow, credential.organization_id)
        assert org is not None and org.provider_id is not None
        secret = unseal(
            ctx.settings.resolved_codec_key(), credential.sealed_secret, purpose=CREDENTIAL_SEAL
        )
        credential.sealed_secret = None
        await append_audit(
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
        org = await session.scalar(
            select(OrganizationRow).where(OrganizationRow.provider_id == provider_id)
        )
        if org is None:
            raise OperationError(f"no organization with Provider ID {provider_id}")
        if org.access_level != "data_exchange":
            raise OperationError(
                f"{provider_id} is not a Data Exchange organization; it has no credentials"
            )
        issued = len(
            (
                await session.scalars(
                    select(CredentialRow.id).where(CredentialRow.organization_id == org.id)
                )
            ).all()
        )
    client = await ctx.temporal()
    return await client.execute_workflow(
        ReissueCredentialsWorkflow.run,
        ReissueInput(
            provider_id=provider_id,
            by=by.strip(),
            activity_timeout_seconds=ctx.settings.activity_timeout_seconds,
        ),
        id=f"credentials-{provider_id}-{issued + 1}",
        task_queue=ctx.settings.temporal_task_queue,
    )
