"""One user of the account: their page, and the forms that correct their details, change their
role or state, or name them a representative; removing a representative. Inactivating asks once
more on a page of its own (no script needed) before anything happens. A refused form comes back
as itself: the user's page (or the account page it was sent from) with the problem beside it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cair.domain.account_changes import ChangeKind
from cair.operations import account_changes, account_views
from cair.operations.errors import NotFound
from cair.web.pages.account_pages import (
    USER_LABELS,
    account_page,
    confirm_inactivation_page,
    details_of,
    names_of,
    user_details_page,
    user_of,
)
from cair.web.pages.account_submit import (
    FORM_REFUSALS,
    change_id,
    done,
    errors_of,
    refused_form,
    status_of,
)
from cair.web.pages.identity import RepresentativePage
from cair.web.pages.refusals import field_errors, problems_of
from cair.web.pages.rendering import context_of

router = APIRouter()
DETAILS = ("first_name", "last_name", "email")
USER_ACTIONS = {
    "inactivate": ChangeKind.INACTIVATE_USER,
    "reactivate": ChangeKind.REACTIVATE_USER,
    "representative": ChangeKind.NAME_REPRESENTATIVE,
    "role": ChangeKind.CHANGE_ROLE,
}


@router.get("/account/{provider_id}/users/{user_id}", response_class=HTMLResponse)
async def user_page(
    provider_id: str, user_id: str, who: RepresentativePage, request: Request
) -> Response:
    shown = await account_views.show(context_of(request), provider_id)
    return user_details_page(request, shown, user_of(shown, user_id))


@router.post("/account/{provider_id}/users/{user_id}/details", response_class=HTMLResponse)
async def correct_user(
    provider_id: str, user_id: str, who: RepresentativePage, request: Request
) -> Response:
    ctx = context_of(request)
    form = await request.form()
    shown = await account_views.show(ctx, provider_id)
    user = user_of(shown, user_id)
    before = details_of(user)
    values = {k: str(form.get(k, "")).strip() for k in DETAILS}
    changed = {k: v for k, v in values.items() if v != before[k]}
    blank = {k: "required: a name or address cannot be removed" for k in DETAILS if not values[k]}
    if blank or not changed:
        errors = blank or {"": "Nothing was changed: correct a value, then save."}
        return user_details_page(request, shown, user, values=values, errors=errors, status=422)
    try:  # the values as sent: the rules answer every problem at once
        result = await account_changes.user_change(
            ctx,
            who,
            ChangeKind.UPDATE_USER,
            user_id,
            user_update=changed,
            change_id=await change_id(request, who),
        )
    except FORM_REFUSALS as refused:
        if not refused_form(refused):
            raise
        errors = field_errors(problems_of(refused), DETAILS, prefix="user.", names=names_of(shown))
        return user_details_page(
            request, shown, user, values=values, errors=errors, status=status_of(refused)
        )
    return done(request, provider_id, result, names_of(await account_views.show(ctx, provider_id)))


@router.post("/account/{provider_id}/users/{user_id}/{action}", response_class=HTMLResponse)
async def user_action(
    provider_id: str, user_id: str, action: str, who: RepresentativePage, request: Request
) -> Response:
    kind = USER_ACTIONS.get(action)
    if kind is None:
        raise NotFound(f"no such change: {action}")
    ctx = context_of(request)
    form = await request.form()
    came_from = "account" if form.get("from") == "account" else "user"
    shown = await account_views.show(ctx, provider_id)
    user = _user_or_none(shown, user_id)
    if kind == ChangeKind.INACTIVATE_USER and form.get("confirm") != "yes" and user is not None:
        return confirm_inactivation_page(request, shown, user, came_from=came_from)
    role = str(form.get("role", "")) if kind == ChangeKind.CHANGE_ROLE else None
    if role == "" and user is not None:
        errors = {"role": "choose the new role"}
        return user_details_page(request, shown, user, errors=errors, status=422)
    try:
        result = await account_changes.user_change(
            ctx, who, kind, user_id, role=role, change_id=await change_id(request, who)
        )
    except FORM_REFUSALS as refused:
        if not refused_form(refused) or user is None:
            raise
        field = "role" if kind == ChangeKind.CHANGE_ROLE else ""
        errors = errors_of(refused, USER_LABELS, prefix="user.", names=names_of(shown))
        if field and "" in errors:
            errors[field] = errors.pop("")
        if came_from == "account":
            errors = {f"row-{user_id}": " ".join(errors.values())}
            return await account_page(request, who, errors=errors, status=status_of(refused))
        values = {"role": role} if role else {}
        return user_details_page(
            request, shown, user, values=values, errors=errors, status=status_of(refused)
        )
    return done(request, provider_id, result, names_of(shown))


@router.post("/account/{provider_id}/representatives/remove", response_class=HTMLResponse)
async def remove_representative(
    provider_id: str, who: RepresentativePage, request: Request
) -> Response:
    ctx = context_of(request)
    email = str((await request.form()).get("email", ""))
    try:
        result = await account_changes.remove_representative(
            ctx, who, email, change_id=await change_id(request, who)
        )
    except FORM_REFUSALS as refused:
        if not refused_form(refused):
            raise
        shown = await account_views.show(ctx, provider_id)
        message = " ".join(errors_of(refused, (), names=names_of(shown)).values())
        errors = {f"rep-{email}": message}
        return await account_page(request, who, errors=errors, status=status_of(refused))
    return done(request, provider_id, result, names_of(await account_views.show(ctx, provider_id)))


def _user_or_none(shown: dict[str, Any], user_id: str) -> dict[str, Any] | None:
    try:
        return user_of(shown, user_id)
    except NotFound:
        return None
