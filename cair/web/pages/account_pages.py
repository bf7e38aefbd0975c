"""The representative's account pages as they are drawn: one typed page object per template,
and the helpers that fill a form with today's values or with what was sent back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from cair.domain.access import Role
from cair.operations.errors import NotFound
from cair.security.tokens import new_token
from cair.web.pages import account_form
from cair.web.pages.enrollment_form import ROLE_HELP, ROLE_OPTIONS
from cair.web.pages.form_fields import Section
from cair.web.pages.rendering import render


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


@dataclass(frozen=True)
class AccountInfoPage:
    """What account_info.html reads: the site-information form, filled with today's values or
    with what was sent back."""

    account: dict[str, Any]
    sections: tuple[Section, ...]
    values: dict[str, str]
    errors: dict[str, str]
    labels: dict[str, str]
    form_id: str


def info_page(
    request: Request,
    shown: dict[str, Any],
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    page = AccountInfoPage(
        account=shown,
        sections=account_form.SECTIONS,
        values=values,
        errors=errors or {},
        labels=account_form.LABELS,
        form_id=new_token()[:32],
    )
    title = ("Error: " if errors else "") + f"Site information of {shown['name']}"
    return render(request, "account_info.html", page, status=status, title=title)


@dataclass(frozen=True)
class AccountUserPage:
    """What account_user.html reads: one user of the account, with the forms that correct
    their details and change their role or state."""

    account: dict[str, Any]
    user: dict[str, Any]
    values: dict[str, str]
    errors: dict[str, str]
    role_options: tuple[tuple[str, str], ...]
    role_help: dict[Role, str]
    form_id: str
    is_representative: bool


def user_details_page(
    request: Request,
    shown: dict[str, Any],
    user: dict[str, Any],
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    user_id = user["user_id"]
    page = AccountUserPage(
        account=shown,
        user=user,
        values=values,
        errors=errors or {},
        role_options=ROLE_OPTIONS,
        role_help=ROLE_HELP,
        form_id=new_token()[:32],
        is_representative=any(r["user_id"] == user_id for r in shown["representatives"]),
    )
    title = ("Error: " if errors else "") + f"{user['name']} ({user_id})"
    return render(request, "account_user.html", page, status=status, title=title)


def details_of(user: dict[str, Any]) -> dict[str, str]:
    """A user's details as the correction form shows them (the name split at its first space)."""
    first, _, last = user["name"].partition(" ")
    return {"first_name": first, "last_name": last, "email": user["email"]}


@dataclass(frozen=True)
class NewUserPage:
    """What account_new_user.html reads: the add-a-user form, blank or sent back with its
    problems, or with the reason the change was refused."""

    provider_id: str
    values: dict[str, str]
    errors: dict[str, str]
    refused: str | None
    role_options: tuple[tuple[str, str], ...]
    role_help: dict[Role, str]
    form_id: str


def new_user_page(
    request: Request,
    provider_id: str,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    refused: str | None = None,
    status: int = 200,
) -> Response:
    page = NewUserPage(
        provider_id=provider_id,
        values=values,
        errors=errors or {},
        refused=refused,
        role_options=ROLE_OPTIONS,
        role_help=ROLE_HELP,
        form_id=new_token()[:32],
    )
    title = ("Error: " if errors or refused else "") + "Add a user"
    return render(request, "account_new_user.html", page, status=status, title=title)
