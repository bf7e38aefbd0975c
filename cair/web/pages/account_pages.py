"""The representative's account pages as they are drawn: one typed page object per template,
and the helpers that fill a form with today's values or with what was sent back. A refused form
is drawn again by the same helper, with its problems beside their fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from cair.domain.access import ALLOWED_ROLES, ROLE_LABELS, AccessLevel, Role
from cair.operations import account_views, staff_lists
from cair.operations.audit_values import Line, Names, reworded
from cair.operations.errors import NotFound
from cair.operations.sessions import Representative
from cair.security.tokens import new_token
from cair.store.audit import AuditFilter
from cair.web.pages import account_form
from cair.web.pages.enrollment_form import ROLE_HELP
from cair.web.pages.form_fields import Section
from cair.web.pages.paging import PAGE_SIZE, Pager, offset_of, pager
from cair.web.pages.refusals import SummaryItem, summary
from cair.web.pages.rendering import context_of, render

USER_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "E-mail address",
    "role": "Role",
}
RoleChoice = tuple[str, str, str]  # value, label, what the role does


def role_choices(access_level: str) -> tuple[RoleChoice, ...]:
    """The roles the organization's access level allows (DX QA only under Data Exchange)."""
    level = AccessLevel(access_level) if access_level in tuple(AccessLevel) else None
    allowed = ALLOWED_ROLES[level] if level else frozenset({Role.READ_ONLY})
    return tuple((r.value, ROLE_LABELS[r], ROLE_HELP[r]) for r in Role if r in allowed)


def user_of(shown: dict[str, Any], user_id: str) -> dict[str, Any]:
    for user in shown["users"]:
        if user["user_id"] == user_id:
            return dict(user)
    raise NotFound(f"no user {user_id} in this organization")


def flat(today: dict[str, Any]) -> dict[str, str]:
    """Nested values by their dotted form-field path."""
    found: dict[str, str] = {}
    for key, value in today.items():
        if isinstance(value, dict):
            for inner, nested in flat(value).items():
                found[f"{key}.{inner}"] = nested
        elif value is not None:
            found[key] = str(value)
    return found


def field_paths() -> set[str]:
    return {f.path for s in account_form.SECTIONS for f in s.fields}


def _title(base: str, errors: dict[str, str] | None) -> str:
    return ("Error: " if errors else "") + base


def _user_anchor(name: str) -> str:
    return f"f-{name}"


@dataclass(frozen=True)
class AccountPage:
    """What account.html reads: the account with its pending changes, the changes asked for
    and the audit trail as sentences, who is looking (a representative may not remove
    themselves), and a refused action's problem (by user id or representative address)."""

    account: dict[str, Any]
    pending: list[str]
    history: list[Line]
    audit: list[Line]
    region_names: dict[str, str]
    me: Representative
    form_id: str
    audit_pager: Pager
    errors: dict[str, str] = field(default_factory=dict)
    summary: list[SummaryItem] = field(default_factory=list)


async def account_page(
    request: Request,
    who: Representative,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ctx = context_of(request)
    provider_id = who.provider_id
    shown = await account_views.show(ctx, provider_id)
    named = account_views.names_in(ctx, shown)
    pending = await account_views.changes(ctx, provider_id)
    waiting = [reworded(c["message"], named) + "." for c in pending["awaiting_approval"]]
    errors = errors or {}
    labels = {f"row-{u['user_id']}": u["name"] for u in shown["users"]}
    labels |= {f"rep-{r['email']}": r["name"] or r["email"] for r in shown["representatives"]}
    offset = offset_of(request) if request.method == "GET" else 0
    audit, total = await staff_lists.audit_lines(
        ctx, AuditFilter(provider_id=provider_id), named, limit=PAGE_SIZE, offset=offset
    )
    page = AccountPage(
        account=shown,
        pending=waiting,
        history=account_views.lines_of(pending["history"], named)[:50],
        audit=audit,
        audit_pager=pager(
            f"/account/{provider_id}",
            {},
            total=total,
            offset=offset,
            shown=len(audit),
            fragment="#audit-title",
        ),
        region_names=dict(named.regions),
        me=who,
        form_id=new_token()[:32],
        errors=errors,
        summary=summary(errors, labels, lambda key: key),
    )
    title = _title(f"{shown['name']} ({provider_id})", errors)
    return render(request, "account.html", page, status=status, title=title)


@dataclass(frozen=True)
class AccountInfoPage:
    """What account_info.html reads: the site-information form, filled with today's values or
    with what was sent back, and its problems; for one site (not the main one with the
    organization's contacts) its own heading and address."""

    account: dict[str, Any]
    sections: tuple[Section, ...]
    values: dict[str, str]
    errors: dict[str, str]
    summary: list[SummaryItem]
    form_id: str
    action: str = ""
    heading: str = ""


def info_anchor(path: str) -> str:
    section = next((s for s in account_form.SECTIONS if s.path == path), None)
    return section.id if section else "f-" + path.replace(".", "-")


def info_page(
    request: Request,
    shown: dict[str, Any],
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    sections: tuple[Section, ...] = account_form.SECTIONS,
    action: str = "",
    heading: str = "",
) -> Response:
    errors = errors or {}
    shown_labels = {
        k: v for k, v in account_form.LABELS.items() if any(k.startswith(s.path) for s in sections)
    }
    page = AccountInfoPage(
        account=shown,
        sections=sections,
        values=values,
        errors=errors,
        summary=summary(errors, shown_labels, info_anchor),
        form_id=new_token()[:32],
        action=action or f"/account/{shown['provider_id']}/info",
        heading=heading,
    )
    title = _title(heading or f"Site information of {shown['name']}", errors)
    return render(request, "account_info.html", page, status=status, title=title)


@dataclass(frozen=True)
class AccountUserPage:
    """What account_user.html reads: one user of the account, with the forms that correct
    their details and change their role or state, each with its own problems."""

    account: dict[str, Any]
    user: dict[str, Any]
    values: dict[str, str]
    errors: dict[str, str]
    summary: list[SummaryItem]
    roles: tuple[RoleChoice, ...]
    form_id: str
    is_representative: bool


def user_details_page(
    request: Request,
    shown: dict[str, Any],
    user: dict[str, Any],
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    user_id = user["user_id"]
    errors = errors or {}
    page = AccountUserPage(
        account=shown,
        user=user,
        values={"role": user["role"], **details_of(user), **(values or {})},
        errors=errors,
        summary=summary(errors, USER_LABELS, _user_anchor),
        roles=role_choices(shown["access_level"]),
        form_id=new_token()[:32],
        is_representative=any(r["user_id"] == user_id for r in shown["representatives"]),
    )
    title = _title(f"{user['name']} ({user_id})", errors)
    return render(request, "account_user.html", page, status=status, title=title)


def details_of(user: dict[str, Any]) -> dict[str, str]:
    """A user's details as the correction form shows them."""
    if "first_name" in user:
        return {k: user[k] for k in ("first_name", "last_name", "email")}
    first, _, last = user["name"].partition(" ")
    return {"first_name": first, "last_name": last, "email": user["email"]}


@dataclass(frozen=True)
class NewUserPage:
    """What account_new_user.html reads: the add-a-user form, blank or sent back with its
    problems beside their fields, and only the roles the access level allows."""

    account: dict[str, Any]
    values: dict[str, str]
    errors: dict[str, str]
    summary: list[SummaryItem]
    roles: tuple[RoleChoice, ...]
    form_id: str


def new_user_page(
    request: Request,
    shown: dict[str, Any],
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    errors = errors or {}
    page = NewUserPage(
        account=shown,
        values=values,
        errors=errors,
        summary=summary(errors, USER_LABELS, _user_anchor),
        roles=role_choices(shown["access_level"]),
        form_id=new_token()[:32],
    )
    return render(
        request, "account_new_user.html", page, status=status, title=_title("Add a user", errors)
    )


@dataclass(frozen=True)
class ConfirmInactivationPage:
    """What account_confirm.html reads: what inactivating a user does, asked once more."""

    account: dict[str, Any]
    user: dict[str, Any]
    is_representative: bool
    back: str
    came_from: str
    form_id: str


def confirm_inactivation_page(
    request: Request, shown: dict[str, Any], user: dict[str, Any], *, came_from: str
) -> Response:
    provider_id, user_id = shown["provider_id"], user["user_id"]
    back = f"/account/{provider_id}" + (f"/users/{user_id}" if came_from == "user" else "")
    page = ConfirmInactivationPage(
        account=shown,
        user=user,
        is_representative=any(r["user_id"] == user_id for r in shown["representatives"]),
        back=back,
        came_from=came_from,
        form_id=new_token()[:32],
    )
    return render(request, "account_confirm.html", page, title=f"Inactivate {user['name']}?")


def names_of(shown: dict[str, Any]) -> Names:
    """The account's users by id, for notices and messages."""
    return Names(
        users={u["user_id"]: u["name"] for u in shown["users"]}, organization=shown["name"]
    )
