"""The store side of account changes: the facts the rules read, and carrying out the plan the
rules return (``domain/change_rules``) inside the caller's transaction."""

from __future__ import annotations

from datetime import date, datetime

from cair.activities.failures import MissingRecord
from cair.activities.provisioning import create_user
from cair.domain.access import AccessLevel, Role
from cair.domain.change_plans import (
    AccountFacts,
    ChangePlan,
    CreateUser,
    NameRepresentative,
    RepresentativeFacts,
    RepresentativeSource,
    RetireRepresentative,
    RevokeUserLinks,
    SetUser,
    SetUserDetails,
    UpdateOrganization,
    UserFacts,
)
from cair.domain.field_rules import vfc_provider
from cair.domain.identifier_checks import normalize_email
from cair.domain.user_states import UserState
from cair.store import links, organizations, representatives, users
from cair.store.database import Session
from cair.store.models import OrganizationRow


async def account_facts(
    session: Session, org: OrganizationRow, *, user_id: str | None, now: datetime
) -> AccountFacts:
    site = await organizations.main_site(session, org.id)
    members = await users.of_organization(session, org.id)
    reps = tuple(
        RepresentativeFacts(
            email=r.email,
            name=r.name,
            source=RepresentativeSource(r.source),
            user_id=r.user_id,
        )
        for r in await representatives.active_of(session, org.id)
    )
    user = next((u for u in members if u.user_id == user_id), None) if user_id else None
    user_facts = None
    if user is not None:
        user_facts = UserFacts(
            user_id=str(user.user_id),
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            role=Role(user.role),
            state=UserState(user.state),
            training_date=date.fromisoformat(user.training_date) if user.training_date else None,
            gate_workflow_id=user.activation_workflow_id,
            representative=any(r.email.lower() == user.email.lower() for r in reps),
        )
    return AccountFacts(
        provider_id=str(org.provider_id),
        access_level=AccessLevel(org.access_level),
        vfc_provider=vfc_provider(
            bool(org.info.get("receives_state_supplied_vaccine")),
            org.info.get("state_supplied_programs"),
        ),
        contacts=org.contacts,
        site=organizations.site_view(site),
        user_emails=frozenset(normalize_email(u.email) for u in members),
        representatives=reps,
        now=now,
        user=user_facts,
    )


async def carry_out(
    session: Session, org: OrganizationRow, plan: ChangePlan, *, creation_key: str, actor: str
) -> str | None:
    """Apply the plan's writes in order; returns the User ID of a user it created."""
    created: str | None = None
    for write in plan.writes:
        if isinstance(write, UpdateOrganization):
            if write.contacts is not None:
                org.contacts = write.contacts
            site = await organizations.main_site(session, org.id)
            if site is None:
                raise MissingRecord(f"organization {org.provider_id} has no site")
            for name, value in write.site.items():
                setattr(site, name, value)
        elif isinstance(write, CreateUser):
            user = await create_user(
                session,
                organization=org,
                creation_key=creation_key,
                first_name=write.user.first_name,
                last_name=write.user.last_name,
                email=write.user.email,
                role=Role(write.user.role),
                actor=actor,
            )
            created = str(user.user_id)
        elif isinstance(write, SetUser):
            row = await users.in_organization(session, org.id, write.user_id)
            if row is None:
                raise MissingRecord(f"no user {write.user_id} in {org.provider_id}")
            if write.role is not None:
                row.role = write.role.value
            if write.state is not None:
                row.state = write.state.value
            if write.gate_workflow_id is not None:
                row.activation_workflow_id = write.gate_workflow_id
        elif isinstance(write, SetUserDetails):
            row = await users.in_organization(session, org.id, write.user_id)
            if row is None:
                raise MissingRecord(f"no user {write.user_id} in {org.provider_id}")
            if write.email is not None and write.email != row.email:
                await representatives.change_email(session, org.id, row.email, write.email)
                row.email = write.email
            row.first_name = write.first_name or row.first_name
            row.last_name = write.last_name or row.last_name
        elif isinstance(write, RevokeUserLinks):
            await links.revoke(session, subject=write.user_id)
        elif isinstance(write, NameRepresentative):
            await representatives.add(
                session,
                organization_id=org.id,
                email=write.email,
                name=write.name,
                named_by=actor,
                source=write.source.value,
                user_id=write.user_id or await users.id_by_email(session, org.id, write.email),
            )
        elif isinstance(write, RetireRepresentative):
            rep = await representatives.by_email(session, org.id, write.email)
            if rep is not None:
                await representatives.retire(session, rep)
    return created
