"""A site's data-exchange credentials for one environment: the one kind of credential there is.
Shared by the onboarding's own issue, staff re-issues and the first site of an IZ Portal
enrollment, so all three make the same row, the same audit entry and the same username."""

from __future__ import annotations

import secrets

from cair.domain import ids
from cair.security.keyring import KeyRing
from cair.security.sealing import CREDENTIAL_SEAL, seal
from cair.security.secret_hashing import hash_secret
from cair.store import audit, credentials
from cair.store.database import Session
from cair.store.models import CredentialRow, DxSiteRow


def new_dx_secret() -> str:
    return secrets.token_urlsafe(24)


def staging_issue_key(site_id: str) -> str:
    """The key of a site's first staging credentials (its onboarding issues them under it)."""
    return f"{ids.dx_onboarding_workflow_id(site_id)}/staging-credentials"


async def issue_site_credentials(
    session: Session,
    ring: KeyRing,
    site: DxSiteRow,
    *,
    environment: str,
    issue_key: str,
    by: str,
    provider_id: str | None,
) -> CredentialRow:
    """Once per ``issue_key``: the secret only hashed, plus sealed (bound to the row's id) for
    its single reveal; the site's earlier credentials of the environment are revoked."""
    existing = await credentials.by_issue_key(session, issue_key)
    if existing is not None:
        return existing
    assert site.site_id is not None
    secret = new_dx_secret()
    credential = CredentialRow(
        organization_id=site.organization_id,
        issue_key=issue_key,
        username=ids.dx_site_username_for(site.site_id, environment),
        facility_id=site.site_id,
        secret_hash=hash_secret(secret),
        issued_by=by,
        dx_site_id=site.id,
        environment=environment,
    )
    await credentials.issue(session, credential)
    credential.sealed_secret = seal(
        ring, secret, purpose=CREDENTIAL_SEAL, context=str(credential.id)
    )
    await audit.append(
        session,
        key=f"credentials/{issue_key}",
        actor=by,
        action=f"dx_credentials.{environment}_issued",
        subject_type="dx_site",
        subject_id=site.site_id,
        provider_id=provider_id,
        new={"username": credential.username, "facility_id": credential.facility_id},
    )
    return credential
