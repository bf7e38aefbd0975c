"""The rules of account changes, as pure code: given what the store knows (``AccountFacts``), a
change yields a ``ChangePlan`` (:mod:`cair.domain.change_plans`) — what to write, which training
gate to start or stop, whether to tell people, and the old and new values for the audit. The
activity carries the plan out inside one transaction; the workflow follows it. Nothing here does
I/O, so every rule is testable alone.

long because: every kind of change is a short rule, and they read best side by side."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from cair.domain import ids
from cair.domain.access import Role, is_raise, needs_training
from cair.domain.account_changes import (
    ChangeKind,
    ChangeStatus,
    InfoUpdate,
    OrganizationClosure,
    OrganizationRename,
    UserUpdate,
    info_problems,
)
from cair.domain.change_plans import (
    NEW_USER_ID,
    AccountFacts,
    ChangePlan,
    CloseOrganization,
    CloseSite,
    CreateUser,
    Gate,
    NameRepresentative,
    RenameOrganization,
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
from cair.domain.field_rules import check_new_user, check_provider_of_record
from cair.domain.identifier_checks import is_email, normalize_email
from cair.domain.problems import Problem
from cair.domain.reading import answer, read
from cair.domain.request import ProviderOfRecord, RequestedUser
from cair.domain.text import quoted
from cair.domain.user_states import TRAINING_VALID_DAYS, UserState

SITE_FIELDS = ("physical_address", "mailing_address", "vaccine_delivery_address", "vfc_pin")


CLOSED = "the organization is closed; it takes no further changes"


class Refused(Exception):
    """The change cannot be applied; the message tells the representative why."""


# ---- the rules --------------------------------------------------------------------------------


def plan_change(
    kind: ChangeKind,
    facts: AccountFacts,
    *,
    change_id: str,
    requested_by: str,
    user_id: str | None = None,
    role: Role | None = None,
    new_user: RequestedUser | None = None,
    info: InfoUpdate | None = None,
    user_update: UserUpdate | None = None,
    email: str | None = None,
    site_id: str | None = None,
    name: str | None = None,
    provider_of_record: ProviderOfRecord | None = None,
    reason: str | None = None,
) -> ChangePlan:
    """What a representative's change does, or a refused plan saying why not."""
    try:
        if facts.closed:
            raise Refused(CLOSED)
        if kind == ChangeKind.UPDATE_INFO:
            assert info is not None
            return _update_info(facts, info, site_id)
        if kind == ChangeKind.RENAME_ORGANIZATION:
            return _rename(facts, name or "")
        if kind == ChangeKind.CHANGE_PROVIDER_OF_RECORD:
            assert provider_of_record is not None
            return _change_provider(facts, provider_of_record)
        if kind == ChangeKind.CLOSE_SITE:
            return _close_site(facts, site_id or "")
        if kind == ChangeKind.CLOSE_ORGANIZATION:
            return _close_organization(reason or "")
        if kind == ChangeKind.ADD_USER:
            assert new_user is not None
            return _add_user(facts, new_user)
        if kind == ChangeKind.REMOVE_REPRESENTATIVE and email:
            return _remove_representative(facts, email)
        user = _user(facts, user_id)
        if kind == ChangeKind.INACTIVATE_USER:
            return _inactivate(facts, user)
        if kind == ChangeKind.REACTIVATE_USER:
            return _reactivate(facts, user, change_id)
        if kind == ChangeKind.CHANGE_ROLE:
            assert role is not None
            return _change_role(user, role, change_id)
        if kind == ChangeKind.NAME_REPRESENTATIVE:
            return _name_representative(user)
        if kind == ChangeKind.UPDATE_USER:
            assert user_update is not None
            return _update_user(facts, user, user_update)
        return _remove_representative(facts, user.email)
    except Refused as refused:
        return ChangePlan(status=ChangeStatus.REFUSED, message=str(refused), user_id=user_id)


def plan_decision(
    facts: AccountFacts,
    *,
    change_id: str,
    user_id: str | None,
    role: Role | None = None,
    approve: bool,
    reason: str,
    kind: ChangeKind = ChangeKind.CHANGE_ROLE,
    provider_of_record: ProviderOfRecord | None = None,
    closing_reason: str = "",
    new_user: RequestedUser | None = None,
    info: InfoUpdate | None = None,
    contact_confirmed: bool = False,
) -> ChangePlan:
    """Staff approved or rejected a change that waited for them: a raise (the new role
    applies, then training if needed), a new user above Read-Only, a new provider of record,
    or closing the organization."""
    if not approve:
        return ChangePlan(
            status=ChangeStatus.REJECTED,
            message=f"registry staff declined: {reason.strip() or 'no reason given'}",
            user_id=user_id,
        )
    if facts.closed:
        return ChangePlan(status=ChangeStatus.REFUSED, message=CLOSED, user_id=user_id)
    if kind == ChangeKind.CHANGE_PROVIDER_OF_RECORD:
        assert provider_of_record is not None
        return _approve_provider(facts, provider_of_record)
    if kind == ChangeKind.CLOSE_ORGANIZATION:
        return _approve_closure(facts, closing_reason)
    if kind == ChangeKind.ADD_USER:
        assert new_user is not None
        return _approve_new_user(facts, new_user)
    if kind == ChangeKind.UPDATE_INFO:
        assert info is not None
        if not contact_confirmed:
            return ChangePlan(
                status=ChangeStatus.REFUSED,
                message="the new primary contact had not confirmed their address",
            )
        try:
            return _update_info(facts, info, None, approved=True)
        except Refused as refused:
            return ChangePlan(status=ChangeStatus.REFUSED, message=str(refused))
    assert role is not None
    try:
        user = _user(facts, user_id)
    except Refused as refused:
        return ChangePlan(status=ChangeStatus.REFUSED, message=str(refused), user_id=user_id)
    if user.state == UserState.INACTIVE:
        return ChangePlan(
            status=ChangeStatus.REFUSED,
            message=f"user {user.user_id} was inactivated meanwhile",
            user_id=user.user_id,
        )
    old = {"role": user.role.value, "state": user.state.value}
    if needs_training(role) and not _training_current(user, facts.now):
        plan = _to_training(
            user,
            role,
            change_id,
            f"approved: user {user.user_id} becomes {role.value} after training",
            set_role=True,
        )
        return replace(plan, old=old)
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"approved: user {user.user_id} is now {role.value}",
        user_id=user.user_id,
        writes=(SetUser(user.user_id, role=role),),
        old=old,
        new={"role": role.value, "state": user.state.value},
    )


# ---- organization -----------------------------------------------------------------------------


def _update_info(
    facts: AccountFacts, info: InfoUpdate, site_id: str | None, *, approved: bool = False
) -> ChangePlan:
    """The organization's contacts and its main site's values; or, given ``site_id``, that
    site's values (a site has no contacts of the organization's). ``approved``: staff approved
    it (a new primary contact confirmed their address first)."""
    today = facts.site
    if site_id is not None:
        named = _open_site(facts, site_id)
        today, site_id = named.values, named.site_id  # the Site ID as the account writes it
    problems = info_problems(info, vfc_provider=facts.vfc_provider, for_site=site_id is not None)
    if problems:
        raise Refused("; ".join(str(p) for p in problems))
    given = info.model_dump(mode="json", exclude_unset=True)
    old: dict[str, Any] = {}
    if "contacts" in given:
        old["contacts"] = facts.contacts
    site = {name: given[name] for name in SITE_FIELDS if name in given}
    old |= {name: today.get(name) for name in site}
    changed = ", ".join(name.replace("_", " ") for name in given) or "nothing"
    if site_id is not None:
        changed += f" of site {site_id}"
    writes: list[Write] = [
        UpdateOrganization(contacts=given.get("contacts"), site=site, site_id=site_id)
    ]
    also_tell: tuple[str, ...] = ()
    if info.contacts is not None:
        newcomer = _new_primary_contact(facts, info)
        if newcomer is not None and not approved:
            # A new address would become an authorized representative: its owner confirms it
            # by link and registry staff approve first, as for any grant of rights.
            return ChangePlan(
                status=ChangeStatus.AWAITING_APPROVAL,
                message=f"the new primary contact {newcomer} becomes an authorized "
                "representative once they confirm their address (a link was e-mailed to them) "
                "and registry staff approve",
                old=old,
                new=given,
                confirm_email=newcomer,
            )
        handover = _primary_contact_handover(facts, info)
        writes += handover.writes
        also_tell = handover.also_tell
        changed += handover.message
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"updated {changed}",
        writes=tuple(writes),
        old=old,
        new=given,
        also_tell=also_tell,
        site_id=site_id,
    )


def _rename(facts: AccountFacts, name: str) -> ChangePlan:
    """At once: a name is how people find the account, not what it may do."""
    reading = read(OrganizationRename, {"name": name})
    problems = answer(reading, [])
    if problems or reading.value is None:
        raise Refused("; ".join(str(p) for p in problems))
    new = reading.value.name
    if new == facts.name:
        raise Refused(f"the organization is named {quoted(new)} already")
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"renamed the organization to {new}",
        writes=(RenameOrganization(new),),
        old={"name": facts.name},
        new={"name": new},
    )


def _change_provider(facts: AccountFacts, provider: ProviderOfRecord) -> ChangePlan:
    """Waits for staff: the provider of record answers for the vaccines the organization
    gives, so registry staff check the license before it changes."""
    new = _provider_values(facts, provider)
    if new == _given(facts.provider_of_record):
        raise Refused("this is the provider of record already")
    return ChangePlan(
        status=ChangeStatus.AWAITING_APPROVAL,
        message=f"changing the provider of record to {_provider_words(new)} waits for registry "
        "staff approval",
        old={"provider_of_record": facts.provider_of_record},
        new={"provider_of_record": new},
    )


def _approve_provider(facts: AccountFacts, provider: ProviderOfRecord) -> ChangePlan:
    try:
        new = _provider_values(facts, provider)
    except Refused as refused:
        return ChangePlan(status=ChangeStatus.REFUSED, message=str(refused))
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"approved: {_provider_words(new)} is now the provider of record",
        writes=(SetProviderOfRecord(new),),
        old={"provider_of_record": facts.provider_of_record},
        new={"provider_of_record": new},
    )


def _provider_values(facts: AccountFacts, provider: ProviderOfRecord) -> dict[str, Any]:
    problems = check_provider_of_record(provider, administers=facts.administers_vaccines)
    if problems:
        raise Refused("; ".join(str(p) for p in problems))
    return _given(provider.model_dump(mode="json"))


def _given(values: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (values or {}).items() if v not in (None, "")}


def _provider_words(values: dict[str, Any]) -> str:
    name = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()
    license_type = values.get("license_type")
    return f"{name} ({license_type})" if license_type else name


# ---- sites and closure ------------------------------------------------------------------------


def _open_site(facts: AccountFacts, site_id: str) -> SiteFacts:
    site = facts.site_named(site_id)
    if site is None:
        raise Refused(f"no site {site_id} in {facts.provider_id}")
    if site.closed:
        raise Refused(f"site {site.site_id} is closed")
    return site


def _close_site(facts: AccountFacts, site_id: str) -> ChangePlan:
    """At once: the site stops exchanging data (its credentials are revoked, its onboarding
    stops). Never the last open site: that is closing the organization."""
    if not site_id.strip():
        raise Refused("site_id: which site?")
    site = facts.site_named(site_id)
    if site is None:
        raise Refused(f"no site {site_id} in {facts.provider_id}")
    if site.closed:
        raise Refused(f"site {site.site_id} is closed already")
    if sum(1 for s in facts.sites if not s.closed) <= 1:
        raise Refused(
            f"site {site.site_id} is the last open site of {facts.provider_id}; close the "
            "organization instead"
        )
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"closed site {site.site_id}; its data-exchange credentials no longer work",
        writes=(CloseSite(site.site_id),),
        stop_dx=(site.dx_workflow_id,) if site.dx_workflow_id else (),
        old={"site": "open"},
        new={"site": "closed"},
        site_id=site.site_id,
    )


def _close_organization(reason: str) -> ChangePlan:
    """Waits for staff: closing ends every user's access and every site's data exchange."""
    reading = read(OrganizationClosure, {"reason": reason})
    problems = answer(reading, [])
    if problems or reading.value is None:
        raise Refused("; ".join(str(p) for p in problems))
    return ChangePlan(
        status=ChangeStatus.AWAITING_APPROVAL,
        message="closing the organization waits for registry staff approval",
        new={"reason": reading.value.reason},
    )


def _approve_closure(facts: AccountFacts, reason: str) -> ChangePlan:
    """Every user inactive (their gates stopped, their links revoked), every site closed (its
    onboarding stopped), then the organization: its credentials and its sessions end. The
    rows and the history stay."""
    writes: list[Write] = []
    for user in facts.users:
        if user.state != UserState.INACTIVE:
            writes.append(SetUser(user.user_id, state=UserState.INACTIVE))
        writes.append(RevokeUserLinks(user.user_id))
    open_sites = [s for s in facts.sites if not s.closed]
    writes += [CloseSite(s.site_id) for s in open_sites]
    writes.append(CloseOrganization(reason))
    gates = tuple(
        u.gate_workflow_id
        for u in facts.users
        if u.state == UserState.PENDING_TRAINING and u.gate_workflow_id
    )
    onboarding = [s.dx_workflow_id for s in open_sites if s.dx_workflow_id]
    inactivated = [u.user_id for u in facts.users if u.state != UserState.INACTIVE]
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"approved: {facts.provider_id} is closed; {len(inactivated)} users "
        f"inactivated, {len(open_sites)} sites closed, its data-exchange credentials revoked",
        writes=tuple(writes),
        stop_gates=gates,
        stop_dx=tuple(dict.fromkeys([*onboarding, *facts.other_dx_workflow_ids])),
        old={"organization": "open"},
        new={
            "organization": "closed",
            "reason": reason,
            "users_inactivated": inactivated,
            "sites_closed": [s.site_id for s in open_sites],
        },
        also_tell=tuple(r.email for r in facts.representatives),
    )


def _new_primary_contact(facts: AccountFacts, info: InfoUpdate) -> str | None:
    """The new primary contact's address, when it is not an authorized representative yet."""
    assert info.contacts is not None
    new_email = normalize_email(info.contacts.primary.email)
    old_email = normalize_email(str((facts.contacts.get("primary") or {}).get("email", "")))
    if new_email == old_email or facts.representative(new_email) is not None:
        return None
    return new_email


def _primary_contact_handover(facts: AccountFacts, info: InfoUpdate) -> ChangePlan:
    """A new primary contact becomes an authorized representative; the one it replaces stops
    being one, unless a representative named them in their own right."""
    assert info.contacts is not None
    new = info.contacts.primary
    new_email = normalize_email(new.email)
    old_email = normalize_email(str((facts.contacts.get("primary") or {}).get("email", "")))
    if new_email == old_email:
        return ChangePlan(status=ChangeStatus.APPLIED, message="")
    writes: list[Write] = []
    message = ""
    if facts.representative(new_email) is None:
        writes.append(
            NameRepresentative(
                user_id=None,
                email=new_email,
                name=f"{new.first_name} {new.last_name}",
                source=RepresentativeSource.PRIMARY_CONTACT,
            )
        )
        message += f"; {new_email} is now an authorized representative"
    previous = facts.representative(old_email) if old_email else None
    if previous is not None and previous.source == RepresentativeSource.PRIMARY_CONTACT:
        writes.append(RetireRepresentative(old_email))
        message += f"; {old_email} no longer is"
    tell = tuple(e for e in (new_email, old_email) if e)
    return ChangePlan(ChangeStatus.APPLIED, message, writes=tuple(writes), also_tell=tell)


# ---- users ------------------------------------------------------------------------------------


def _add_user(facts: AccountFacts, requested: RequestedUser) -> ChangePlan:
    problems = check_new_user(
        requested,
        access_level=facts.access_level,
        existing_emails=facts.user_emails,
        path="user",
    )
    if problems:
        raise Refused("; ".join(str(p) for p in problems))
    role = Role(requested.role)
    if role != Role.READ_ONLY:
        # Every grant above Read-Only waits for staff, new or raised: otherwise adding a new
        # Power user would be the way around approving a raise.
        return ChangePlan(
            status=ChangeStatus.AWAITING_APPROVAL,
            message=f"adding {requested.first_name} {requested.last_name} as {role.value} "
            "waits for registry staff approval",
            new={"role": role.value},
        )
    return _new_user(requested, role, "added")


def _new_user(requested: RequestedUser, role: Role, done: str) -> ChangePlan:
    gate = "after training" if needs_training(role) else "at once"
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"{done} user {NEW_USER_ID} ({role.value}); access {gate}",
        writes=(CreateUser(requested),),
        start_gate=Gate(role=role),
        new={"role": role.value, "state": _initial_state(role).value},
    )


def _approve_new_user(facts: AccountFacts, requested: RequestedUser) -> ChangePlan:
    """Staff approved a new user above Read-Only: the rules again (an address may have been
    taken meanwhile), then the user is created and, if needed, their training gate opens."""
    problems = check_new_user(
        requested, access_level=facts.access_level, existing_emails=facts.user_emails, path="user"
    )
    if problems:
        return ChangePlan(status=ChangeStatus.REFUSED, message="; ".join(str(p) for p in problems))
    return _new_user(requested, Role(requested.role), "approved: added")


def _inactivate(facts: AccountFacts, user: UserFacts) -> ChangePlan:
    if user.state == UserState.INACTIVE:
        raise Refused(f"user {user.user_id} is already inactive")
    if user.representative and len(facts.representatives) <= 1:
        raise Refused(
            f"user {user.user_id} is the last authorized representative; name another "
            "representative first"
        )
    writes: list[Write] = [SetUser(user.user_id, state=UserState.INACTIVE)]
    if user.representative:
        writes.append(RetireRepresentative(user.email))
    writes.append(RevokeUserLinks(user.user_id))
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"inactivated user {user.user_id}",
        user_id=user.user_id,
        writes=tuple(writes),
        stop_gate=user.gate_workflow_id if user.state == UserState.PENDING_TRAINING else None,
        old={"state": user.state.value},
        new={"state": UserState.INACTIVE.value},
    )


def _reactivate(facts: AccountFacts, user: UserFacts, change_id: str) -> ChangePlan:
    if user.state not in (UserState.INACTIVE, UserState.TRAINING_EXPIRED):
        raise Refused(f"user {user.user_id} is {user.state.value}; only inactive users reactivate")
    old = {"state": user.state.value}
    if needs_training(user.role) and not _training_current(user, facts.now):
        plan = _to_training(
            user,
            user.role,
            change_id,
            "reactivated; training is older than 12 months or missing, so the user retakes it "
            "first",
        )
        return replace(plan, old=old)
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"reactivated user {user.user_id}",
        user_id=user.user_id,
        writes=(SetUser(user.user_id, state=UserState.ACTIVE),),
        # Without training due, the gate runs only to send the access-ready e-mail.
        start_gate=None
        if needs_training(user.role)
        else Gate(user.role, ids.user_gate_workflow_id(user.user_id, change_id)),
        old=old,
        new={"state": UserState.ACTIVE.value},
    )


def _change_role(user: UserFacts, new: Role, change_id: str) -> ChangePlan:
    old = user.role
    if user.state == UserState.INACTIVE:
        raise Refused(f"user {user.user_id} is inactive; reactivate the user first")
    if new == old:
        raise Refused(f"user {user.user_id} already has the role {new.value}")
    before, after = {"role": old.value}, {"role": new.value}
    if is_raise(old, new):
        return ChangePlan(
            status=ChangeStatus.AWAITING_APPROVAL,
            message=f"raising user {user.user_id} from {old.value} to {new.value} waits for "
            "registry staff approval",
            user_id=user.user_id,
            old=before,
            new=after,
        )
    if user.state == UserState.PENDING_TRAINING and not needs_training(new):
        gate = ids.user_gate_workflow_id(user.user_id, change_id)
        return ChangePlan(
            status=ChangeStatus.APPLIED,
            message=f"lowered user {user.user_id} to {new.value}; access at once",
            user_id=user.user_id,
            writes=(
                SetUser(user.user_id, role=new, state=UserState.ACTIVE, gate_workflow_id=gate),
            ),
            stop_gate=user.gate_workflow_id,
            start_gate=Gate(new, gate),
            old=before,
            new=after,
        )
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"lowered user {user.user_id} from {old.value} to {new.value}",
        user_id=user.user_id,
        writes=(SetUser(user.user_id, role=new),),
        old=before,
        new=after,
    )


def _to_training(
    user: UserFacts, role: Role, change_id: str, message: str, *, set_role: bool = False
) -> ChangePlan:
    """Send a user (back) to the training gate: a new gate run keyed by the change."""
    gate = ids.user_gate_workflow_id(user.user_id, change_id)
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=message,
        user_id=user.user_id,
        writes=(
            SetUser(
                user.user_id,
                role=role if set_role else None,
                state=UserState.PENDING_TRAINING,
                gate_workflow_id=gate,
            ),
        ),
        stop_gate=user.gate_workflow_id if user.state == UserState.PENDING_TRAINING else None,
        start_gate=Gate(role, gate),
        new={"role": role.value, "state": UserState.PENDING_TRAINING.value},
    )


# ---- representatives --------------------------------------------------------------------------


def _name_representative(user: UserFacts) -> ChangePlan:
    if user.state != UserState.ACTIVE:
        raise Refused(f"user {user.user_id} is {user.state.value}; only active users can represent")
    if user.representative:
        raise Refused(f"user {user.user_id} is already an authorized representative")
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"named user {user.user_id} an authorized representative",
        user_id=user.user_id,
        writes=(
            NameRepresentative(
                user.user_id, normalize_email(user.email), f"{user.first_name} {user.last_name}"
            ),
        ),
        new={"representative": user.user_id},
    )


def _remove_representative(facts: AccountFacts, email: str) -> ChangePlan:
    """By e-mail: a representative need not be a user (a primary contact who never was)."""
    representative = facts.representative(email)
    if representative is None:
        raise Refused(f"{email} is not an authorized representative of {facts.provider_id}")
    if len(facts.representatives) <= 1:
        raise Refused("an organization keeps at least one authorized representative")
    who = representative.user_id or representative.email
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"{who} is no longer an authorized representative",
        user_id=representative.user_id,
        writes=(RetireRepresentative(representative.email),),
        old={"representative": representative.email},
        also_tell=(representative.email,),
    )


def _update_user(facts: AccountFacts, user: UserFacts, update: UserUpdate) -> ChangePlan:
    """Correct a name or an e-mail address; both addresses hear of an address change."""
    problems: list[Problem] = []
    email = normalize_email(update.email) if update.email else None
    if email is not None:
        if not is_email(email):
            problems.append(Problem("user.email", f"{quoted(email)} is not a valid e-mail address"))
        elif email != normalize_email(user.email) and email in facts.user_emails:
            problems.append(
                Problem("user.email", "a user with this e-mail already exists in the organization")
            )
    if problems:
        raise Refused("; ".join(str(p) for p in problems))
    fields = {"first_name": update.first_name, "last_name": update.last_name, "email": email}
    new = {k: v for k, v in fields.items() if v is not None}
    old = {k: getattr(user, k) for k in new}
    if new == old:
        raise Refused(f"user {user.user_id} already has these details")
    changed = ", ".join(k.replace("_", " ") for k in new if new[k] != old[k])
    return ChangePlan(
        status=ChangeStatus.APPLIED,
        message=f"corrected the {changed} of user {user.user_id}",
        user_id=user.user_id,
        writes=(SetUserDetails(user.user_id, update.first_name, update.last_name, email),),
        old=old,
        new=new,
        also_tell=(user.email,) if email and email != normalize_email(user.email) else (),
    )


# ---- helpers ----------------------------------------------------------------------------------


def _user(facts: AccountFacts, user_id: str | None) -> UserFacts:
    if facts.user is None or facts.user.user_id != user_id:
        raise Refused(f"no user {user_id} in {facts.provider_id}")
    return facts.user


def _training_current(user: UserFacts, now: datetime) -> bool:
    if user.training_date is None:
        return False
    return now.date() - user.training_date <= timedelta(days=TRAINING_VALID_DAYS)


def _initial_state(role: Role) -> UserState:
    return UserState.PENDING_TRAINING if needs_training(role) else UserState.ACTIVE
