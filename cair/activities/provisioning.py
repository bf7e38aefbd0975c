"""Provisioning after approval: the organization with its CAIR Provider ID and site, its users,
and data-exchange credentials. Each step is keyed by the enrollment id, so a retry after a crash
finds what the first attempt made instead of making a second one (formats in domain/ids)."""

from __future__ import annotations

from pydantic import BaseModel
from temporalio import activity
from temporalio.exceptions import ApplicationError

from cair.activities.crash_points import pause_point
from cair.activities.enrollments import record_stage_change
from cair.activities.failures import MissingRecord, classify_failures
from cair.activities.site_credentials import issue_site_credentials, staging_issue_key
from cair.activities.site_rows import add_site, register_for_exchange, site_contacts
from cair.domain import ids
from cair.domain.access import Role, needs_training
from cair.domain.change_plans import RepresentativeSource
from cair.domain.contracts.activities import Activity
from cair.domain.contracts.credentials import CredentialIssue, Credentials
from cair.domain.contracts.data_exchange import DxEnvironment, TestPlan
from cair.domain.contracts.enrollment import (
    ProvisionedAccount,
    ProvisionedUser,
    ProvisionOrder,
)
from cair.domain.identifier_checks import normalize_email
from cair.domain.request import EnrollmentRequest
from cair.domain.user_states import UserState
from cair.domain.vxu_rules import staging_test_plan
from cair.security.keyring import KeyRing
from cair.store import (
    audit,
    credentials,
    dx_sites,
    enrollments,
    organizations,
    representatives,
    users,
)
from cair.store.database import Database, Session
from cair.store.models import OrganizationRow, SiteRow, UserRow


class ProvisioningActivities:
    def __init__(self, db: Database, secrets_ring: KeyRing) -> None:
        self.db = db
        self.secrets_ring = secrets_ring

    @activity.defn(name=Activity.PROVISION_ACCOUNT)
    @classify_failures
    async def provision_account(self, order: ProvisionOrder) -> ProvisionedAccount:
        """The staff decision's stage record, the Provider ID, the users and (data exchange)
        the credentials, in one step: one round trip before the welcome e-mail. Each part is
        keyed on its own, so a retry after a crash makes nothing twice."""
        async with self.db.sessions.begin() as session:
            await record_stage_change(session, order.decision)
        provider_id = await self.provision_provider_id(order.enrollment_id)
        created = await self.create_users(order.enrollment_id)
        dx_site_id = None
        if order.with_credentials:
            dx_site_id = await self.register_first_site(order.enrollment_id)
        return ProvisionedAccount(
            provider_id=provider_id,
            users=created,
            dx_site_id=dx_site_id,
            dx_plan=await self._plan_of(order.enrollment_id) if dx_site_id else None,
        )

    async def _plan_of(self, enrollment_id: str) -> TestPlan:
        """The staging test plan of the enrolled site: a bidirectional site's has its queries."""
        async with self.db.sessions() as session:
            enrollment = await enrollments.get(session, enrollment_id)
        answers = enrollment.request.get("data_exchange") if enrollment else None
        return staging_test_plan(bidirectional=bool((answers or {}).get("bidirectional")))

    async def register_first_site(self, enrollment_id: str) -> str:
        """A Data Exchange organization's first site, registered for data exchange with the
        IZ Portal answers of its enrollment, and its staging credentials issued: the welcome
        e-mail carries them, and they open the staging endpoint at once."""
        async with self.db.sessions.begin() as session:
            enrollment = await enrollments.get(session, enrollment_id)
            org = await organizations.by_enrollment(session, enrollment_id)
            if enrollment is None or org is None or org.provider_id is None:
                raise MissingRecord(f"enrollment {enrollment_id} has no organization yet")
            site = await organizations.site_of_enrollment(session, enrollment_id)
            if site is None:
                raise MissingRecord(f"enrollment {enrollment_id} enrolled no site")
            registered = await dx_sites.by_key(session, f"enrollment/{enrollment_id}")
            if registered is None:
                request = EnrollmentRequest.model_validate(enrollment.request)
                registered = await register_for_exchange(session, org, site, request, enrollment_id)
            await issue_site_credentials(
                session,
                self.secrets_ring,
                registered,
                environment=DxEnvironment.STAGING.value,
                issue_key=staging_issue_key(site.facility_id),
                by="enrollment",
                provider_id=org.provider_id,
            )
            return site.facility_id

    async def provision_provider_id(self, enrollment_id: str) -> str:
        """Create the organization and its site once; return its Provider ID."""
        async with self.db.sessions.begin() as session:
            org = await organizations.by_enrollment(session, enrollment_id)
            if org is not None and org.provider_id:
                return org.provider_id
            enrollment = await enrollments.get(session, enrollment_id)
            if enrollment is None:
                raise MissingRecord(f"no enrollment {enrollment_id}")
            request = EnrollmentRequest.model_validate(enrollment.request)
            if request.new_site is not None:
                return await add_site(session, enrollment, request)
            organization = request.organization
            org = await organizations.create(
                session,
                OrganizationRow(
                    enrollment_id=enrollment_id,
                    name=organization.name,
                    org_type=organization.type,
                    county=enrollment.county,
                    region=enrollment.region,
                    access_level=enrollment.access_level,
                    contacts=request.contacts.model_dump(mode="json"),
                    info={
                        "childcare_license_number": organization.childcare_license_number,
                        "school_district": organization.school_district,
                        "receives_state_supplied_vaccine": (
                            organization.receives_state_supplied_vaccine
                        ),
                        "state_supplied_programs": organization.state_supplied_programs,
                        "provider_of_record": _dump(request.provider_of_record),
                    },
                ),
            )
            org.provider_id = ids.provider_id_for(org.id)
            await organizations.add_site(
                session,
                SiteRow(
                    organization_id=org.id,
                    facility_id=ids.facility_id_for(org.provider_id),
                    physical_address=organization.physical_address.model_dump(mode="json"),
                    mailing_address=_dump(organization.mailing_address),
                    vaccine_delivery_address=_dump(organization.vaccine_delivery_address),
                    vfc_pin=organization.vfc_pin,
                    name=organization.name,
                    county=enrollment.county,
                    region=enrollment.region,
                    contacts=site_contacts(request),
                    enrollment_id=enrollment_id,
                ),
            )
            enrollment.provider_id = org.provider_id
            primary = request.contacts.primary
            await representatives.add(
                session,
                organization_id=org.id,
                email=normalize_email(primary.email),
                name=f"{primary.first_name} {primary.last_name}",
                named_by="enrollment (primary contact)",
                source=RepresentativeSource.PRIMARY_CONTACT.value,
            )
            await audit.append(
                session,
                key=f"{enrollment_id}/provider-id",
                actor="system",
                action="organization.created",
                subject_type="organization",
                subject_id=org.provider_id,
                provider_id=org.provider_id,
                new={"access_level": org.access_level, "region": org.region},
            )
            await pause_point("provider_id.before_commit")
        await pause_point("provider_id.after_commit")
        return org.provider_id

    async def create_users(self, enrollment_id: str) -> list[ProvisionedUser]:
        """One account per requested user, each keyed by enrollment id + e-mail."""
        created: list[ProvisionedUser] = []
        async with self.db.sessions.begin() as session:
            enrollment = await enrollments.get(session, enrollment_id)
            org = await organizations.by_enrollment(session, enrollment_id)
            if enrollment is None or org is None or org.provider_id is None:
                raise MissingRecord(f"enrollment {enrollment_id} has no organization yet")
            request = EnrollmentRequest.model_validate(enrollment.request)
        for index, requested in enumerate(request.users):
            async with self.db.sessions.begin() as session:
                user = await create_user(
                    session,
                    organization=org,
                    creation_key=f"{enrollment_id}/user/{normalize_email(requested.email)}",
                    first_name=requested.first_name,
                    last_name=requested.last_name,
                    email=requested.email,
                    role=Role(requested.role),
                    actor="system",
                )
                created.append(ProvisionedUser(user_id=str(user.user_id), role=Role(user.role)))
            if index == 0:
                await pause_point("users.after_first")
        return created

    @activity.defn(name=Activity.ISSUE_CREDENTIALS)
    @classify_failures
    async def issue_credentials(self, order: CredentialIssue) -> Credentials:
        """Retired: organization-level credentials opened no endpoint. Credentials are a site's,
        per environment (``issue_dx_credentials``); a re-issue still under way when this
        release came ends here, with words staff can act on."""
        async with self.db.sessions() as session:
            existing = await credentials.by_issue_key(session, order.issue_key)
        if existing is not None:
            return Credentials(username=existing.username, facility_id=existing.facility_id)
        raise ApplicationError(
            "credentials are a site's, per environment: re-issue the site's (cair dx reissue "
            "SITE_ID --env staging)",
            non_retryable=True,
        )


async def create_user(
    session: Session,
    *,
    organization: OrganizationRow,
    creation_key: str,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    actor: str,
) -> UserRow:
    """Create a user once per ``creation_key``, with its audit entry. Trainees wait for
    training; others are active at once."""
    state = UserState.PENDING_TRAINING if needs_training(role) else UserState.ACTIVE
    user, new = await users.create(
        session,
        organization=organization,
        creation_key=creation_key,
        first_name=first_name,
        last_name=last_name,
        email=normalize_email(email),
        role=role.value,
        state=state.value,
    )
    if new:
        await audit.append(
            session,
            key=f"user-created/{creation_key}",
            actor=actor,
            action="user.created",
            subject_type="user",
            subject_id=str(user.user_id),
            provider_id=organization.provider_id,
            new={"role": user.role, "state": user.state},
        )
    return user


def _dump(model: BaseModel | None) -> dict[str, object] | None:
    return model.model_dump(mode="json") if model is not None else None
