"""The authorized representative's pages: the account (organization, site, users with their
role, state and training, pending changes, history) and a form for every account change. The
changes go through the same operations as the API, so the rules and their words are the same.
Each form carries a one-time id: sent twice (a double click, a reload), it is one change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cair.domain.access import ROLE_LABELS, Role
from cair.domain.account_changes import ChangeKind, ChangeStatus, InfoUpdate, UserUpdate
from cair.domain.contracts.organization import ChangeResult
from cair.domain.request import RequestedUser
from cair.domain.validation import problem_from
from cair.operations import account_changes, account_views, regions, sessions
from cair.operations.errors import NotFound, NotSignedIn
from cair.operations.sessions import Representative
from cair.security.tokens import new_token
from cair.web.api.representatives import change_id
from cair.web.pages import account_form, csrf
from cair.web.pages.account_pages import (
    details_of,
    field_paths,
    flat,
    info_page,
    new_user_page,
    user_details_page,
    user_of,
)
from cair.web.pages.identity import RepresentativePage, session_token
from cair.web.pages.rendering import context_of, redirect, render

router = APIRouter()
USER_FIELDS = ("first_name", "last_name", "email", "role")


@router.get("/account", response_class=HTMLResponse)
async def my_account(request: Request) -> Response:
    """The signed-in representative's own account, or the sign-in page."""
    try:
        who = await sessions.current(context_of(request), session_token(request))
    except NotSignedIn:
        return redirect(request, "/account/sign-in")
    return redirect(request, f"/account/{who.provider_id}")


@dataclass(frozen=True)
class AccountPage:
    """What account.html reads: the account with its pending changes and recent history, and
    who is looking (a representative may not remove themselves)."""

    account: dict[str, Any]
    pending: dict[str, Any]
    history: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    role_labels: dict[str, str]
    region_names: dict[str, str]
    me: Representative
    form_id: str


@router.get("/account/{provider_id}", response_class=HTMLResponse)
async def account(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    ctx = context_of(request)
    shown = await account_views.show(ctx, provider_id)
    pending = await account_views.changes(ctx, provider_id)
    page = AccountPage(
        account=shown,
        pending=pending,
        history=list(reversed(pending["history"]))[:50],
        audit=list(reversed(await account_views.audit(ctx, provider_id)))[:50],
        role_labels={r.value: ROLE_LABELS[r] for r in Role},
        region_names=regions.region_names(ctx),
        me=who,
        form_id=new_token()[:32],
    )
    return render(request, "account.html", page, title=f"{shown['name']} ({provider_id})")


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
    if not update:
        return info_page(request, shown, values, errors={"": "nothing was changed"}, status=422)
    try:
        info = InfoUpdate.model_validate(update)
    except ValidationError as invalid:
        errors = {p.path: p.message for p in map(problem_from, invalid.errors())}
        return info_page(request, shown, values, errors=errors, status=422)
    result = await account_changes.update_info(
        ctx, who, info, change_id=await _change_id(request, who)
    )
    return _done(request, provider_id, result)


@router.get("/account/{provider_id}/users/new", response_class=HTMLResponse)
async def new_user_form(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    return new_user_page(request, provider_id, values={"role": "read_only"})


@router.post("/account/{provider_id}/users", response_class=HTMLResponse)
async def add_user(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    form = await request.form()
    values = {f: str(form.get(f, "")).strip() for f in USER_FIELDS}
    try:
        user = RequestedUser.model_validate(values)
    except ValidationError as invalid:
        errors = {p.path: p.message for p in map(problem_from, invalid.errors())}
        return new_user_page(request, provider_id, values=values, errors=errors, status=422)
    result = await account_changes.add_user(
        context_of(request), who, user, change_id=await _change_id(request, who)
    )
    if result.status == ChangeStatus.REFUSED:
        return new_user_page(
            request, provider_id, values=values, refused=result.message, status=422
        )
    return _done(request, provider_id, result)


@router.get("/account/{provider_id}/users/{user_id}", response_class=HTMLResponse)
async def user_page(
    provider_id: str, user_id: str, who: RepresentativePage, request: Request
) -> Response:
    shown = await account_views.show(context_of(request), provider_id)
    user = user_of(shown, user_id)
    return user_details_page(request, shown, user, values=details_of(user))


@router.post("/account/{provider_id}/users/{user_id}/details", response_class=HTMLResponse)
async def correct_user(
    provider_id: str, user_id: str, who: RepresentativePage, request: Request
) -> Response:
    ctx = context_of(request)
    form = await request.form()
    shown = await account_views.show(ctx, provider_id)
    user = user_of(shown, user_id)
    before = details_of(user)
    values = {k: str(form.get(k, "")).strip() for k in before}
    changed = {k: v for k, v in values.items() if v and v != before[k]}
    errors: dict[str, str] = {}
    update = None
    try:
        update = UserUpdate.model_validate(changed)
    except ValidationError as invalid:
        errors = {p.path or "": p.message for p in map(problem_from, invalid.errors())}
    if update is None:
        return user_details_page(request, shown, user, values=values, errors=errors, status=422)
    result = await account_changes.user_change(
        ctx,
        who,
        ChangeKind.UPDATE_USER,
        user_id,
        user_update=update,
        change_id=await _change_id(request, who),
    )
    return _done(request, provider_id, result)


USER_ACTIONS = {
    "inactivate": ChangeKind.INACTIVATE_USER,
    "reactivate": ChangeKind.REACTIVATE_USER,
    "representative": ChangeKind.NAME_REPRESENTATIVE,
    "role": ChangeKind.CHANGE_ROLE,
}


@router.post("/account/{provider_id}/users/{user_id}/{action}", response_class=HTMLResponse)
async def user_action(
    provider_id: str, user_id: str, action: str, who: RepresentativePage, request: Request
) -> Response:
    kind = USER_ACTIONS.get(action)
    if kind is None:
        raise NotFound(f"no such change: {action}")
    form = await request.form()
    role = str(form.get("role", "")) if kind == ChangeKind.CHANGE_ROLE else None
    result = await account_changes.user_change(
        context_of(request), who, kind, user_id, role=role, change_id=await _change_id(request, who)
    )
    return _done(request, provider_id, result)


@router.post("/account/{provider_id}/representatives/remove", response_class=HTMLResponse)
async def remove_representative(
    provider_id: str, who: RepresentativePage, request: Request
) -> Response:
    form = await request.form()
    result = await account_changes.remove_representative(
        context_of(request),
        who,
        str(form.get("email", "")),
        change_id=await _change_id(request, who),
    )
    return _done(request, provider_id, result)


async def _change_id(request: Request, who: Representative) -> str | None:
    """The form's one-time id, bound to this browser: the same form twice is one change."""
    form_id = (await request.form()).get("form_id")
    cookie = request.cookies.get(csrf.COOKIE)
    if not isinstance(form_id, str) or not 20 <= len(form_id) <= 64 or not cookie:
        return None
    return change_id(f"page:{cookie}:{form_id}", who)


def _done(request: Request, provider_id: str, result: ChangeResult) -> Response:
    """Back to the account, saying what became of the change."""
    words = {
        ChangeStatus.APPLIED: "Done",
        ChangeStatus.QUEUED: "Queued",
        ChangeStatus.AWAITING_APPROVAL: "Sent to registry staff for approval",
        ChangeStatus.REFUSED: "Not possible",
        ChangeStatus.REJECTED: "Rejected",
        ChangeStatus.FAILED: "Failed",
    }
    notice = f"{words.get(result.status, result.status)}: {result.message}"
    return redirect(request, f"/account/{provider_id}#changes", notice=notice)
