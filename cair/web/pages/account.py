"""The authorized representative's pages: the account (organization, site, users with their
role, state and training, pending changes, history) and a form for every account change. The
changes go through the same operations as the API, so the rules and their words are the same.
The organization's own changes (name, provider of record, a site, closing) are in
``account_organization``.
Each form carries a one-time id: sent twice (a double click, a reload), it is one change. A
refused form comes back as itself, every problem beside its field and every value kept. One
user's page and its actions are in ``account_users``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cair.operations import account_changes, account_views, sessions
from cair.operations.errors import NotSignedIn
from cair.web.pages import account_form, account_organization, account_users
from cair.web.pages.account_pages import (
    USER_LABELS,
    account_page,
    field_paths,
    flat,
    info_page,
    names_of,
    new_user_page,
)
from cair.web.pages.account_submit import (
    FORM_REFUSALS,
    change_id,
    done,
    errors_of,
    refused_form,
    status_of,
)
from cair.web.pages.identity import RepresentativePage, session_token
from cair.web.pages.refusals import field_errors, problems_of
from cair.web.pages.rendering import context_of, redirect

router = APIRouter()


@router.get("/account", response_class=HTMLResponse)
async def my_account(request: Request) -> Response:
    """The signed-in representative's own account, or the sign-in page."""
    try:
        who = await sessions.current(context_of(request), session_token(request))
    except NotSignedIn:
        return redirect(request, "/account/sign-in")
    return redirect(request, f"/account/{who.provider_id}")


@router.get("/account/{provider_id}", response_class=HTMLResponse)
async def account(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    return await account_page(request, who)


@router.get("/account/{provider_id}/info", response_class=HTMLResponse)
async def info_form(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    shown = await account_views.show(context_of(request), provider_id)
    today = account_form.current(shown)
    return info_page(request, shown, flat(today))


@router.post("/account/{provider_id}/info", response_class=HTMLResponse)
async def update_info(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    ctx = context_of(request)
    form = await request.form()
    shown = await account_views.show(ctx, provider_id)
    update = account_form.changes(form, account_form.current(shown))
    values = {k: str(v) for k, v in form.items() if k in field_paths()}
    fields = account_form.LABELS.keys()
    if not update:
        nothing = {"": "Nothing was changed: change a value, then send the form."}
        return info_page(request, shown, values, errors=nothing, status=422)
    try:  # the values as sent: the rules answer every problem at once
        result = await account_changes.update_info(
            ctx, who, update, change_id=await change_id(request, who)
        )
    except FORM_REFUSALS as refused:
        if not refused_form(refused):
            raise
        errors = field_errors(problems_of(refused), fields)
        return info_page(request, shown, values, errors=errors, status=status_of(refused))
    return done(request, provider_id, result, names_of(shown))


@router.get("/account/{provider_id}/users/new", response_class=HTMLResponse)
async def new_user_form(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    shown = await account_views.show(context_of(request), provider_id)
    return new_user_page(request, shown, values={"role": "read_only"})


@router.post("/account/{provider_id}/users", response_class=HTMLResponse)
async def add_user(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    ctx = context_of(request)
    form = await request.form()
    shown = await account_views.show(ctx, provider_id)
    values = {f: str(form.get(f, "")).strip() for f in USER_LABELS}
    try:  # the values as sent: the rules answer every problem at once
        result = await account_changes.add_user(
            ctx, who, values, change_id=await change_id(request, who)
        )
    except FORM_REFUSALS as refused:
        if not refused_form(refused):
            raise
        errors = errors_of(refused, USER_LABELS, prefix="user.")
        return new_user_page(request, shown, values=values, errors=errors, status=422)
    after = await account_views.show(ctx, provider_id)
    return done(request, provider_id, result, names_of(after))


# After /users/new: a user's own pages match any id under /users/.
router.include_router(account_users.router)
router.include_router(account_organization.router)
