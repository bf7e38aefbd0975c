"""Data-exchange sites (the IZ Portal): their stage, their credentials per environment, and what
their messages showed. Keyed like every activity, so a retry finds what the first attempt made."""

from __future__ import annotations

from temporalio import activity

from cair.activities.failures import MissingRecord, classify_failures
from cair.activities.site_credentials import issue_site_credentials
from cair.domain import ids
from cair.domain.access import AccessLevel
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.credentials import Credentials
from cair.domain.contracts.data_exchange import (
    DxCredentialIssue,
    DxEnvironment,
    DxProgress,
    DxProgressQuery,
    DxStageChange,
)
from cair.domain.test_plan import Outcome, case_of, passed
from cair.domain.vxu_rules import AckCode
from cair.security.keyring import KeyRing
from cair.store import audit, credentials, dx_sites, organizations
from cair.store.database import Database, Session
from cair.store.models import OrganizationRow


class DataExchangeActivities:
    def __init__(self, db: Database, secrets_ring: KeyRing, *, no_rejection_in_last: int) -> None:
        self.db = db
        self.secrets_ring = secrets_ring
        self.last = no_rejection_in_last

    @activity.defn(name=Activity.RECORD_DX_STAGE)
    @classify_failures
    async def record_dx_stage(self, change: DxStageChange) -> None:
        """The site's stage as staff and the representative see it, with its audit entry."""
        async with self.db.sessions.begin() as session:
            site = await dx_sites.set_stage(
                session, change.site_id, change.stage.value, change.note
            )
            if site is None:
                raise MissingRecord(f"no data-exchange site {change.site_id}")
            org = await organizations.get(session, site.organization_id)
            await audit.append(
                session,
                key=f"{ids.dx_onboarding_workflow_id(change.site_id)}/{change.step}",
                actor=change.actor,
                action=f"dx_site.{change.stage.value}",
                subject_type="dx_site",
                subject_id=change.site_id,
                provider_id=org.provider_id if org else None,
                new={"stage": change.stage.value, **({"note": change.note} if change.note else {})},
            )

    @activity.defn(name=Activity.ISSUE_DX_CREDENTIALS)
    @classify_failures
    async def issue_dx_credentials(self, order: DxCredentialIssue) -> Credentials:
        """A site's credentials for one environment, once per ``issue_key``; the secret only
        hashed, plus sealed for its single reveal."""
        async with self.db.sessions.begin() as session:
            existing = await credentials.by_issue_key(session, order.issue_key)
            if existing is not None:
                return Credentials(username=existing.username, facility_id=existing.facility_id)
            site = await dx_sites.by_site_id(session, order.site_id)
            if site is None or site.site_id is None:
                raise MissingRecord(f"no data-exchange site {order.site_id}")
            org = await organizations.get(session, site.organization_id)
            credential = await issue_site_credentials(
                session,
                self.secrets_ring,
                site,
                environment=order.environment.value,
                issue_key=order.issue_key,
                by=order.by,
                provider_id=org.provider_id if org else None,
            )
            if org is not None and order.environment == DxEnvironment.PRODUCTION:
                await _becomes_data_exchange(session, org, order)
            return Credentials(username=credential.username, facility_id=credential.facility_id)

    @activity.defn(name=Activity.DX_PROGRESS)
    @classify_failures
    async def dx_progress(self, query: DxProgressQuery) -> DxProgress:
        """Counts and outcomes of the site's messages after ``query.after_message_id``, and
        which of the plan's cases they passed; nothing more."""
        async with self.db.sessions() as session:
            site = await dx_sites.by_site_id(session, query.site_id)
            if site is None:
                raise MissingRecord(f"no data-exchange site {query.site_id}")
            counts = await dx_sites.counts_after(
                session, site.id, query.after_message_id, self.last
            )
        rejected = [
            k
            for k in counts.last_kept
            if k.ack_code == AckCode.REJECTED.value and case_of(_outcome(k), query.cases) is None
        ]
        return DxProgress(
            staging_messages=counts.staging_messages,
            staging_accepted=counts.staging_accepted,
            test_patients_covered=counts.test_patients,
            rejected_in_last=len(rejected),
            production_accepted=counts.production_accepted,
            last_message_id=counts.last_message_id,
            cases_passed=passed((_outcome(k) for k in counts.case_candidates), query.cases),
        )


def _outcome(kept: dx_sites.Kept) -> Outcome:
    return Outcome(kept.ack_code, kept.findings, kept.test_patient)


async def _becomes_data_exchange(
    session: Session, org: OrganizationRow, order: DxCredentialIssue
) -> None:
    """Staff approved a site of a Clinical organization for production: from now on the
    organization submits electronically, and its access level says so."""
    if org.access_level != AccessLevel.CLINICAL:
        return
    org.access_level = AccessLevel.DATA_EXCHANGE.value
    await audit.append(
        session,
        key=f"access-level/{order.issue_key}",
        actor=order.by,
        action="organization.access_level_changed",
        subject_type="organization",
        subject_id=str(org.provider_id),
        provider_id=org.provider_id,
        old={"access_level": AccessLevel.CLINICAL.value},
        new={"access_level": AccessLevel.DATA_EXCHANGE.value, "site_id": order.site_id},
    )
