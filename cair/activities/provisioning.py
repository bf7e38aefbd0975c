"""Provisioning after approval: the organization with its CAIR Provider ID and site, its users,
and data-exchange credentials. Each step is keyed by the enrollment id, so a retry after a crash
finds what the first attempt made instead of making a second one.

Formats (stable, human-friendly, unique through the table's row number):
- Provider ID ``CA`` + 6 digits, e.g. ``CA100001``; site/facility id ``CA100001-01``.
- User ID ``U`` + 7 digits, e.g. ``U1000001``.
- Data-exchange username ``dx`` + lower-case Provider ID, e.g. ``dxca100001``.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from cair.activities.faults import pause_point
from cair.domain.access import Role, needs_training
from cair.domain.contracts import CredentialIssue, Credentials, ProvisionedUser, UserState
from cair.domain.identifiers import normalize_email
from cair.domain.request import EnrollmentRequest
from cair.security.sealing import seal
from cair.security.secret_hashing import hash_secret
from cair.store.audit import append_audit
from cair.store.database import Database
from cair.store.models import (
    CredentialRow,
    EnrollmentRequestRow,
    OrganizationRow,
    RepresentativeRow,
    SiteRow,
    UserRow,
)

CREDENTIAL_SEAL = "credential-seal"


def provider_id_for(row_number: int) -> str:
    return f"CA{100000 + row_number:06d}"


def user_id_for(row_number: int) -> str:
    return f"U{1000000 + row_number:07d}"


def new_dx_secret() -> str:
    return secrets.token_urlsafe(24)


class ProvisioningActivities:
    def __init__(self, db: Database, server_key: bytes) -> None:
        self.db = db
        self.server_key = server_key

    @activity.defn(name="provision_provider_id")
    async def provision_provider_id(self, enrollment_id: str) -> str:
        """Create the organization and its site once; return its Provider ID."""
        async with self.db.sessions.begin() as session:
            org = await session.scalar(
                select(OrganizationRow).where(OrganizationRow.enrollment_id == enrollment_id)
            )
            if org is not None and org.provider_id:
                return org.provider_id
            enrollment = await session.get(EnrollmentRequestRow, enrollment_id)
            if enrollment is None:
                raise LookupError(f"no enrollment {enrollment_id}")
            request = EnrollmentRequest.model_validate(enrollment.request)
            organization = request.organization
            org = OrganizationRow(
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
                    "receives_state_supplied_vaccine": organization.receives_state_supplied_vaccine,
                    "provider_of_record": request.provider_of_record.model_dump(mode="json")
                    if request.provider_of_record
                    else None,
                },
            )
            session.add(org)
            await session.flush()
            org.provider_id = provider_id_for(org.id)
            session.add(
                SiteRow(
                    organization_id=org.id,
                    facility_id=f"{org.provider_id}-01",
                    physical_address=organization.physical_address.model_dump(mode="json"),
                    mailing_address=_dump(organization.mailing_address),
                    vaccine_delivery_address=_dump(organization.vaccine_delivery_address),
                    vfc_pin=organization.vfc_pin,
                )
            )
            enrollment.provider_id = org.provider_id
            primary = request.contacts.primary
            session.add(
                RepresentativeRow(
                    organization_id=org.id,
                    email=normalize_email(primary.email),
                    name=f"{primary.first_name} {primary.last_name}",
                    named_by="enrollment (primary contact)",
                )
            )
            await append_audit(
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

    @activity.defn(name="create_users")
    async def create_users(self, enrollment_id: str) -> list[ProvisionedUser]:
        """One account per requested user, each keyed by enrollment id + e-mail."""
        created: list[ProvisionedUser] = []
        async with self.db.sessions.begin() as session:
            enrollment = await session.get(EnrollmentRequestRow, enrollment_id)
            org = await session.scalar(
                select(OrganizationRow).where(OrganizationRow.enrollment_id == enrollment_id)
            )
            if enrollment is None or org is None or org.provider_id is None:
                raise LookupError(f"enrollment {enrollment_id} has no organization yet")
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
                created.append(ProvisionedUser(user_id=str(user.user_id), role=user.role))
            if index == 0:
                await pause_point("users.after_first")
        return created

    @activity.defn(name="issue_credentials")
    async def issue_credentials(self, order: CredentialIssue) -> Credentials:
        """Data-exchange credentials, once per ``issue_key``. A new key re-issues: the old
        secret stops working. The secret is only hashed, plus sealed for its single reveal."""
        provider_id, issue_key, by = order.provider_id, order.issue_key, order.by
        async with self.db.sessions.begin() as session:
            org = await session.scalar(
                select(OrganizationRow).where(OrganizationRow.provider_id == provider_id)
            )
            if org is None:
                raise LookupError(f"no organization {provider_id}")
            existing = await session.scalar(
                select(CredentialRow).where(CredentialRow.issue_key == issue_key)
            )
            if existing is not None:
                return Credentials(username=existing.username, facility_id=existing.facility_id)
            site = await session.scalar(select(SiteRow).where(SiteRow.organization_id == org.id))
            assert site is not None
            previous = (
                await session.scalars(
                    select(CredentialRow).where(
                        CredentialRow.organization_id == org.id, CredentialRow.active.is_(True)
                    )
                )
            ).all()
            for old in previous:
                old.active = False
                old.sealed_secret = None
                old.revoked_at = _now()
            secret = new_dx_secret()
            credential = CredentialRow(
                organization_id=org.id,
                issue_key=issue_key,
                username=f"dx{provider_id.lower()}",
                facility_id=site.facility_id,
                secret_hash=hash_secret(secret),
                sealed_secret=seal(self.server_key, secret, purpose=CREDENTIAL_SEAL),
                issued_by=by,
            )
            session.add(credential)
            await append_audit(
                session,
                key=f"credentials/{issue_key}",
                actor=by,
                action="credentials.reissued" if previous else "credentials.issued",
                subject_type="organization",
                subject_id=provider_id,
                provider_id=provider_id,
                new={"username": credential.username, "facility_id": credential.facility_id},
            )
            return Credentials(username=credential.username, facility_id=credential.facility_id)


async def create_user(
    session: AsyncSession,
    *,
    organization: OrganizationRow,
    creation_key: str,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    actor: str,
) -> UserRow:
    """Create a user once per ``creation_key``. Trainees wait for training; others are active."""
    user = await session.scalar(select(UserRow).where(UserRow.creation_key == creation_key))
    if user is not None:
        return user
    trainee = needs_training(role)
    user = UserRow(
        organization_id=organization.id,
        creation_key=creation_key,
        first_name=first_name,
        last_name=last_name,
        email=normalize_email(email),
        role=role.value,
        state=UserState.PENDING_TRAINING if trainee else UserState.ACTIVE,
        activated_at=None if trainee else _now(),
    )
    session.add(user)
    await session.flush()
    user.user_id = user_id_for(user.id)
    user.activation_workflow_id = f"user-{user.user_id}"
    await session.execute(
        update(RepresentativeRow)
        .where(
            RepresentativeRow.organization_id == organization.id,
            RepresentativeRow.email == user.email,
            RepresentativeRow.user_id.is_(None),
        )
        .values(user_id=user.user_id)
    )
    await append_audit(
        session,
        key=f"user-created/{creation_key}",
        actor=actor,
        action="user.created",
        subject_type="user",
        subject_id=user.user_id,
        provider_id=organization.provider_id,
        new={"role": user.role, "state": user.state},
    )
    return user


def _dump(address: BaseModel | None) -> dict[str, object] | None:
    return address.model_dump(mode="json") if address is not None else None


def _now() -> datetime:
    return datetime.now(UTC)
