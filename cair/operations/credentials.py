"""Data-exchange credentials: reveal the secret once through its link; staff re-issue a site's."""

from __future__ import annotations

from dataclasses import dataclass

from cair.domain.contracts.credentials import Credentials
from cair.domain.contracts.data_exchange import DxEnvironment, DxStage
from cair.operations import dx_decisions
from cair.operations.context import Context
from cair.operations.errors import LinkUnusable, OperationError
from cair.operations.links import open_link
from cair.security.sealing import CREDENTIAL_SEAL, SealError, unseal
from cair.store import audit, credentials, dx_sites, organizations
from cair.store.links import LinkProblem, LinkPurpose


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
    """Staff re-issue "the organization's credentials": those of its first data-exchange site,
    in the environment it works in now (credentials are a site's, per environment)."""
    if not by.strip():
        raise OperationError("by: name the staff member who re-issues the credentials")
    async with ctx.db.sessions() as session:
        org = await organizations.by_provider_id(session, provider_id)
        if org is None:
            raise OperationError(f"no organization with Provider ID {provider_id}")
        sites = await dx_sites.of_organization(session, org.id)
    site_id = sites[0].site_id if sites else None
    if site_id is None:
        raise OperationError(
            f"{provider_id} is not a Data Exchange organization: it has no data-exchange site, "
            "so no credentials"
        )
    first = sites[0]
    live = first.stage in (DxStage.PRODUCTION_CREDENTIALS_ISSUED.value, DxStage.LIVE.value)
    environment = DxEnvironment.PRODUCTION if live else DxEnvironment.STAGING
    return await dx_decisions.reissue_by(ctx, site_id, environment.value, by=by.strip())
