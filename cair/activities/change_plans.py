"""The store side of account changes: the facts the rules read, and carrying out the plan the
rules return (``domain/change_rules``) inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import singledispatch

from cair.activities.failures import MissingRecord
from cair.activities.provisioning import create_user
from cair.domain import ids
from cair.domain.access import AccessLevel, Role
from cair.domain.change_plans import (
    AccountFacts,
    ChangePlan,
    CloseOrganization,
    CloseSite,
    CreateUser,
    NameRepresentative,
    RenameOrganization,
    RepresentativeFacts,
    RepresentativeSource,
    RetireRepresentative,
    RevokeUserLinks,
    SetProviderOfRecord,
    SetUser,
    SetUserDetails,
    SiteFacts,
    UpdateOrganization,
    UserFacts,
    Write,
)
from cair.domain.change_rules import SITE_FIELDS
from cair.domain.field_rules import vfc_provider
from cair.domain.identifier_checks import normalize_email
from cair.domain.user_states import UserState
from cair.store import (
    closures,
    credentials,
    dx_sites,
    links,
    organizations,
    representatives,
    users,
)
from cair.store.database import Session
from cair.store.models import DxSiteRow, OrganizationRow, SiteRow, UserRow


async def account_facts(
    session: Session, org: OrganizationRow, *, user_id: str | None, now: datetime
) -> AccountFacts:
    site = await organizations.main_site(session, org.id)
    members = await users.of_organization(session, org.id)
    sites = await organizations.sites_of(session, org.id)
    registrations = await dx_sites.of_organization(session, org.id)
    by_site = {dx.site_row_id: dx for dx in registrations if dx.site_row_id is not None}
    reps = tuple(
        RepresentativeFacts(
            email=r.email,
            name=r.name,
            source=RepresentativeSource(r.source),
            user_id=r.user_id,
        )
        for r in await representatives.active_of(session, org.id)
    )
    every_user = tuple(_user_facts(u, reps) for u in members)
    user_facts = next((u for u in every_user if u.user_id == user_id), None) if user_id else None
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
        name=org.name,
        provider_of_record=org.info.get("provider_of_record"),
        closed=org.closed_at is not None,
        sites=tuple(_site_facts(s, by_site.get(s.id)) for s in sites),
        users=every_user,
        other_dx_workflow_ids=tuple(
            ids.dx_onboarding_workflow_id(dx.site_id)
            for dx in registrations
            if dx.site_row_id is None and dx.site_id
        ),
    )


def _user_facts(user: UserRow, reps: tuple[RepresentativeFacts, ...]) -> UserFacts:
    return UserFacts(
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


def _site_facts(site: SiteRow, dx: DxSiteRow | None) -> SiteFacts:
    return SiteFacts(
        site_id=site.facility_id,
        values={name: getattr(site, name) for name in SITE_FIELDS},
        closed=site.closed_at is not None,
        dx_workflow_id=ids.dx_onboarding_workflow_id(dx.site_id or site.facility_id)
        if dx is not None
        else None,
    )


@dataclass(frozen=True)
class _Account:
    """What every write needs besides itself: the caller's transaction and the account."""

    session: Session
    org: OrganizationRow
    creation_key: str
    actor: str


async def carry_out(
    session: Session, org: OrganizationRow, plan: ChangePlan, *, creation_key: str, actor: str
) -> str | None:
    """Apply the plan's writes in order; returns the User ID of a user it created."""
    account = _Account(session=session, org=org, creation_key=creation_key, actor=actor)
    created: str | None = None
    for write in plan.writes:
        user_id = await _apply(write, account)
        if user_id is not None:
            created = user_id
    return created


@singledispatch
async def _apply(write: Write, account: _Account) -> str | None:
    """Carry out one write; only a write that creates a user returns something (its User ID)."""
    raise TypeError(f"no way to carry out {type(write).__name__}")


@_apply.register
async def _update_organization(write: UpdateOrganization, account: _Account) -> None:
    org = account.org
    if write.contacts is not None:
        org.contacts = write.contacts
    if write.site_id is None:
        site = await organizations.main_site(account.session, org.id)
    else:
        site = await organizations.site_of(account.session, org.id, write.site_id)
    if site is None:
        raise MissingRecord(f"organization {org.provider_id} has no site {write.site_id or ''}")
    for name, value in write.site.items():
        setattr(site, name, value)


@_apply.register
async def _rename_organization(write: RenameOrganization, account: _Account) -> None:
    account.org.name = write.name


@_apply.register
async def _set_provider_of_record(write: SetProviderOfRecord, account: _Account) -> None:
    # A new dict, so the JSON column sees the change.
    account.org.info = {**account.org.info, "provider_of_record": write.provider_of_record}


@_apply.register
async def _close_site(write: CloseSite, account: _Account) -> None:
    session, org = account.session, account.org
    site = await organizations.site_of(session, org.id, write.site_id)
    if site is None:
        raise MissingRecord(f"organization {org.provider_id} has no site {write.site_id}")
    site.closed_at = site.closed_at or datetime.now(UTC)
    registered = await closures.registrations_of_site(session, site.id)
    await closures.revoke_credentials(session, org.id, dx_site_ids=registered)


@_apply.register
async def _close_organization(write: CloseOrganization, account: _Account) -> None:
    session, org = account.session, account.org
    org.closed_at = org.closed_at or datetime.now(UTC)
    await closures.revoke_credentials(session, org.id)
    await closures.end_sessions(session, str(org.provider_id))
    for rep in await representatives.active_of(session, org.id):
        await links.revoke(session, subject=representatives.link_subject(rep.id))


@_apply.register
async def _create_user(write: CreateUser, account: _Account) -> str:
    user = await create_user(
        account.session,
        organization=account.org,
        creation_key=account.creation_key,
        first_name=write.user.first_name,
        last_name=write.user.last_name,
        email=write.user.email,
        role=Role(write.user.role),
        actor=account.actor,
    )
    return str(user.user_id)


@_apply.register
async def _set_user(write: SetUser, account: _Account) -> None:
    row = await _user(account, write.user_id)
    if write.role is not None:
        row.role = write.role.value
    if write.state is not None:
        row.state = write.state.value
    if write.gate_workflow_id is not None:
        row.activation_workflow_id = write.gate_workflow_id


@_apply.register
async def _set_user_details(write: SetUserDetails, account: _Account) -> None:
    row = await _user(account, write.user_id)
    if write.email is not None and write.email != row.email:
        await representatives.change_email(account.session, account.org.id, row.email, write.email)
        row.email = write.email
    row.first_name = write.first_name or row.first_name
    row.last_name = write.last_name or row.last_name


@_apply.register
async def _revoke_user_links(write: RevokeUserLinks, account: _Account) -> None:
    await links.revoke(account.session, subject=write.user_id)


@_apply.register
async def _name_representative(write: NameRepresentative, account: _Account) -> None:
    session, org = account.session, account.org
    await representatives.add(
        session,
        organization_id=org.id,
        email=write.email,
        name=write.name,
        named_by=account.actor,
        source=write.source.value,
        user_id=write.user_id or await users.id_by_email(session, org.id, write.email),
    )


@_apply.register
async def _retire_representative(write: RetireRepresentative, account: _Account) -> None:
    """Retired, and the credential links e-mailed to them and not yet opened revoked: staff
    re-issue to whoever is responsible now."""
    rep = await representatives.by_email(account.session, account.org.id, write.email)
    if rep is not None:
        await representatives.retire(account.session, rep)
    held = await credentials.of_organization(account.session, account.org.id)
    await links.revoke_credential_links_sent_to(
        account.session, write.email, [credentials.link_subject(c.id) for c in held]
    )


async def _user(account: _Account, user_id: str) -> UserRow:
    row = await users.in_organization(account.session, account.org.id, user_id)
    if row is None:
        raise MissingRecord(f"no user {user_id} in {account.org.provider_id}")
    return row
