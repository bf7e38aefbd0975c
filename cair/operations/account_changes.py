"""Account changes: representatives submit them (authorized against their organization), staff
approve or reject the ones that wait for them (a raise, a new provider of record, closing the
organization)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from cair.domain import ids
from cair.domain.access import AccessLevel, Role, administers_vaccines
from cair.domain.account_changes import (
    ChangeKind,
    ChangeStatus,
    InfoUpdate,
    UserUpdate,
    validate_closure,
    validate_info_update,
    validate_new_user,
    validate_provider_of_record,
    validate_rename,
    validate_user_update,
)
from cair.domain.contracts.organization import AccountChange, ChangeDecision, ChangeResult
from cair.domain.field_rules import vfc_provider
from cair.domain.identifier_checks import normalize_email
from cair.domain.request import RequestedUser
from cair.operations import contact_confirmations
from cair.operations.context import Context
from cair.operations.errors import Invalid, OperationError, Refused
from cair.operations.sessions import Representative
from cair.operations.workflow_updates import send_update
from cair.store import changes, organizations, users
from cair.workflows.organization import OrganizationWorkflow


async def update_info(
    ctx: Context,
    who: Representative,
    info: InfoUpdate | object,
    *,
    change_id: str | None = None,
    site_id: str | None = None,
) -> ChangeResult:
    """``info`` as sent (or read already): every problem is answered at once, InvalidRequest,
    before the change is sent. ``site_id``: the addresses and VFC PIN of that site, not of the
    main one."""
    known = await _known(ctx, who.provider_id)
    checked = validate_info_update(
        info, vfc_provider=known.vfc_provider, for_site=site_id is not None
    )
    return await _submit(ctx, who, ChangeKind.UPDATE_INFO, change_id, info=checked, site_id=site_id)


async def rename_organization(
    ctx: Context, who: Representative, body: object, *, change_id: str | None = None
) -> ChangeResult:
    """``{"name": …}`` as sent; applies at once."""
    checked = validate_rename(body)
    return await _submit(ctx, who, ChangeKind.RENAME_ORGANIZATION, change_id, name=checked.name)


async def change_provider_of_record(
    ctx: Context, who: Representative, body: object, *, change_id: str | None = None
) -> ChangeResult:
    """The new provider of record as sent: every problem at once (the license where the
    organization administers vaccines, the NPI's check digit); it waits for registry staff."""
    known = await _known(ctx, who.provider_id)
    administers = administers_vaccines(known.access_level) if known.access_level else None
    checked = validate_provider_of_record(body, administers=administers)
    return await _submit(
        ctx, who, ChangeKind.CHANGE_PROVIDER_OF_RECORD, change_id, provider_of_record=checked
    )


async def close_site(
    ctx: Context, who: Representative, site_id: str, *, change_id: str | None = None
) -> ChangeResult:
    """At once: the site's data exchange ends. Never the last open site."""
    return await _submit(ctx, who, ChangeKind.CLOSE_SITE, change_id, site_id=site_id)


async def close_organization(
    ctx: Context, who: Representative, body: object, *, change_id: str | None = None
) -> ChangeResult:
    """``{"reason": …}`` as sent; waits for registry staff, then ends the whole account."""
    checked = validate_closure(body)
    return await _submit(ctx, who, ChangeKind.CLOSE_ORGANIZATION, change_id, reason=checked.reason)


async def add_user(
    ctx: Context, who: Representative, user: RequestedUser | object, *, change_id: str | None = None
) -> ChangeResult:
    """``user`` as sent (or read already): every problem at once, the role against the
    organization's access level, the address against its users'."""
    known = await _known(ctx, who.provider_id)
    checked = validate_new_user(
        user, access_level=known.access_level, existing_emails=known.emails.values()
    )
    return await _submit(ctx, who, ChangeKind.ADD_USER, change_id, new_user=checked)


@dataclass(frozen=True)
class _KnownFacts:
    """What the store knows of an organization that the rules of a change read. The account's
    workflow checks again against its own facts: this is so the first answer names everything."""

    access_level: AccessLevel | None
    vfc_provider: bool
    emails: dict[str, str]  # User ID -> normalized e-mail


async def _known(ctx: Context, provider_id: str) -> _KnownFacts:
    async with ctx.db.sessions() as session:
        org = await organizations.by_provider_id(session, provider_id)
        if org is None:  # the account's workflow says so, in its words
            return _KnownFacts(None, False, {})
        members = await users.of_organization(session, org.id)
    return _KnownFacts(
        access_level=AccessLevel(org.access_level),
        vfc_provider=vfc_provider(
            bool(org.info.get("receives_state_supplied_vaccine")),
            org.info.get("state_supplied_programs"),
        ),
        emails={str(u.user_id): normalize_email(u.email) for u in members},
    )


async def user_change(
    ctx: Context,
    who: Representative,
    kind: ChangeKind,
    user_id: str,
    *,
    role: str | None = None,
    user_update: UserUpdate | object | None = None,
    change_id: str | None = None,
) -> ChangeResult:
    """inactivate / reactivate / change role / correct / name a representative, for one user of
    the representative's own organization. A user of another organization is 'no user' here,
    worded as for one that does not exist at all."""
    if role is not None and role not in tuple(Role):
        raise Invalid(f"role: must be one of: {', '.join(Role)}")
    if user_update is not None or kind == ChangeKind.UPDATE_USER:
        known = await _known(ctx, who.provider_id)
        others = [email for user, email in known.emails.items() if user != user_id]
        user_update = validate_user_update(user_update, other_emails=others)
    return await _submit(
        ctx,
        who,
        kind,
        change_id,
        user_id=user_id,
        role=Role(role) if role else None,
        user_update=user_update,
    )


async def remove_representative(
    ctx: Context, who: Representative, email: str, *, change_id: str | None = None
) -> ChangeResult:
    """By address: a representative need not be a user."""
    return await _submit(ctx, who, ChangeKind.REMOVE_REPRESENTATIVE, change_id, email=email)


async def pending_approvals(ctx: Context) -> list[dict[str, Any]]:
    """Staff: every change that waits for a decision, oldest first, across organizations, with
    its kind and what it asks for."""
    async with ctx.db.sessions() as session:
        waiting = await changes.awaiting_approval(session, ChangeStatus.AWAITING_APPROVAL.value)
    return [asdict(w) for w in waiting]


async def decide(
    ctx: Context,
    change_id: str,
    *,
    approve: bool,
    by: str,
    reason: str = "",
    provider_id: str | None = None,
) -> ChangeResult:
    """Staff: approve or reject a change that waits for them."""
    if provider_id is None:
        async with ctx.db.sessions() as session:
            found = await changes.organizations_with(session, change_id)
        if not found:
            raise OperationError(f"no change {change_id}")
        if len(found) > 1:
            raise OperationError(
                f"change {change_id} exists in {', '.join(found)}; name the Provider ID"
            )
        provider_id = found[0]
    if approve:
        await contact_confirmations.refuse_unconfirmed(ctx, provider_id, change_id)
    client = await ctx.temporal()

    async def missing() -> str:
        return f"cannot decide change {change_id}: the account of {provider_id} is not open"

    return await send_update(
        client.get_workflow_handle_for(
            OrganizationWorkflow.run, ids.organization_workflow_id(provider_id)
        ),
        OrganizationWorkflow.decide_change,
        ChangeDecision(change_id=change_id, approve=approve, by=by, reason=reason),
        missing=missing,
    )


async def _submit(
    ctx: Context,
    who: Representative,
    kind: ChangeKind,
    change_id: str | None,
    **fields: Any,
) -> ChangeResult:
    change = AccountChange(
        change_id=change_id or ids.new_change_id(), kind=kind, requested_by=who.email, **fields
    )
    client = await ctx.temporal()

    async def missing() -> str:
        return f"the account of {who.provider_id} is not open for changes yet"

    result = await send_update(
        client.get_workflow_handle_for(
            OrganizationWorkflow.run, ids.organization_workflow_id(who.provider_id)
        ),
        OrganizationWorkflow.submit_change,
        change,
        missing=missing,
    )
    if result.status == ChangeStatus.REFUSED:
        raise Refused(f"change {result.change_id} refused: {result.message}")
    return result
