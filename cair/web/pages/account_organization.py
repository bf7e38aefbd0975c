"""The organization's own changes from the account page: its name, its provider of record,
one site's addresses and VFC PIN, closing a site and closing the organization. Closing asks once
more on a page of its own (no script needed) before anything happens; a refused form comes back
as itself, every problem beside its field and every value kept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cair.domain.contracts.organization import ChangeResult
from cair.operations import account_changes, account_views
from cair.operations.errors import NotFound
from cair.operations.sessions import Representative
from cair.web.pages import account_form
from cair.web.pages.account_org_pages import (
    PROVIDER_FIELDS,
    closing_page,
    provider_page,
    rename_page,
)
from cair.web.pages.account_pages import field_paths, flat, info_page, names_of
from cair.web.pages.account_submit import (
    FORM_REFUSALS,
    change_id,
    done,
    errors_of,
    refused_form,
    status_of,
)
from cair.web.pages.identity import RepresentativePage
from cair.web.pages.rendering import context_of

router = APIRouter()
# A site's form: its addresses and VFC PIN; the organization's contacts are not a site's.
SITE_SECTIONS = tuple(s for s in account_form.SECTIONS if not s.path.startswith("contacts"))


async def _send(
    request: Request,
    who: Representative,
    shown: dict[str, Any],
    send: Callable[[str | None], Awaitable[ChangeResult]],
    again: Callable[[dict[str, str], int], Response],
    fields: tuple[str, ...],
) -> Response:
    """Send the change; a refusal draws the form again with its problems."""
    try:
        result = await send(await change_id(request, who))
    except FORM_REFUSALS as refused:
        if not refused_form(refused):
            raise
        errors = errors_of(refused, fields, names=names_of(shown))
        return again(errors, status_of(refused))
    after = await account_views.show(context_of(request), who.provider_id)
    return done(request, who.provider_id, result, names_of(after))


# ---- the organization's name and provider of record -------------------------------------------


@router.get("/account/{provider_id}/name", response_class=HTMLResponse)
async def rename_form(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    shown = await account_views.show(context_of(request), provider_id)
    return rename_page(request, shown, {"name": shown["name"]})


@router.post("/account/{provider_id}/name", response_class=HTMLResponse)
async def rename(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    ctx = context_of(request)
    shown = await account_views.show(ctx, provider_id)
    values = {"name": str((await request.form()).get("name", ""))}
    return await _send(
        request,
        who,
        shown,
        lambda key: account_changes.rename_organization(ctx, who, values, change_id=key),
        lambda errors, status: rename_page(request, shown, values, errors=errors, status=status),
        ("name",),
    )


@router.get("/account/{provider_id}/provider-of-record", response_class=HTMLResponse)
async def provider_form(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    shown = await account_views.show(context_of(request), provider_id)
    today = shown.get("provider_of_record") or {}
    values = {k: str(today[k]) for k in PROVIDER_FIELDS if today.get(k)}
    return provider_page(request, shown, values)


@router.post("/account/{provider_id}/provider-of-record", response_class=HTMLResponse)
async def change_provider(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    ctx = context_of(request)
    shown = await account_views.show(ctx, provider_id)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in PROVIDER_FIELDS}
    body = {k: v for k, v in values.items() if v}  # blank optional fields are left out
    return await _send(
        request,
        who,
        shown,
        lambda key: account_changes.change_provider_of_record(ctx, who, body, change_id=key),
        lambda errors, status: provider_page(request, shown, values, errors=errors, status=status),
        PROVIDER_FIELDS,
    )


# ---- closing the organization -----------------------------------------------------------------


@router.get("/account/{provider_id}/close", response_class=HTMLResponse)
async def close_form(provider_id: str, who: RepresentativePage, request: Request) -> Response:
    shown = await account_views.show(context_of(request), provider_id)
    return closing_page(request, shown)


@router.post("/account/{provider_id}/close", response_class=HTMLResponse)
async def close_organization(
    provider_id: str, who: RepresentativePage, request: Request
) -> Response:
    ctx = context_of(request)
    shown = await account_views.show(ctx, provider_id)
    reason = str((await request.form()).get("reason", ""))
    return await _send(
        request,
        who,
        shown,
        lambda key: account_changes.close_organization(ctx, who, {"reason": reason}, change_id=key),
        lambda errors, status: closing_page(
            request, shown, reason=reason, errors=errors, status=status
        ),
        ("reason",),
    )


# ---- one site ---------------------------------------------------------------------------------


def _site(shown: dict[str, Any], site_id: str) -> dict[str, Any]:
    for site in shown.get("sites", []):
        if site["site_id"].upper() == site_id.upper():
            return dict(site)
    raise NotFound(f"no site {site_id} in this organization")


def _site_info_page(
    request: Request,
    shown: dict[str, Any],
    site: dict[str, Any],
    values: dict[str, str],
    **more: Any,
) -> Response:
    return info_page(
        request,
        shown,
        values,
        sections=SITE_SECTIONS,
        action=f"/account/{shown['provider_id']}/sites/{site['site_id']}/info",
        heading=f"Site {site['site_id']}" + (f": {site['name']}" if site.get("name") else ""),
        **more,
    )


@router.get("/account/{provider_id}/sites/{site_id}/info", response_class=HTMLResponse)
async def site_info_form(
    provider_id: str, site_id: str, who: RepresentativePage, request: Request
) -> Response:
    shown = await account_views.show(context_of(request), provider_id)
    site = _site(shown, site_id)
    today = account_form.current({"site": site})
    today.pop("contacts", None)
    return _site_info_page(request, shown, site, flat(today))


@router.post("/account/{provider_id}/sites/{site_id}/info", response_class=HTMLResponse)
async def update_site_info(
    provider_id: str, site_id: str, who: RepresentativePage, request: Request
) -> Response:
    ctx = context_of(request)
    form = await request.form()
    shown = await account_views.show(ctx, provider_id)
    site = _site(shown, site_id)
    today = account_form.current({"site": site})
    update = account_form.changes(form, today)
    update.pop("contacts", None)  # not on this form: the organization's are changed elsewhere
    values = {k: str(v) for k, v in form.items() if k in field_paths()}
    if not update:
        nothing = {"": "Nothing was changed: change a value, then send the form."}
        return _site_info_page(request, shown, site, values, errors=nothing, status=422)
    fields = tuple(f.path for s in SITE_SECTIONS for f in s.fields)
    return await _send(
        request,
        who,
        shown,
        lambda key: account_changes.update_info(
            ctx, who, update, change_id=key, site_id=site["site_id"]
        ),
        lambda errors, status: _site_info_page(
            request, shown, site, values, errors=errors, status=status
        ),
        fields,
    )


@router.post("/account/{provider_id}/sites/{site_id}/close", response_class=HTMLResponse)
async def close_site(
    provider_id: str, site_id: str, who: RepresentativePage, request: Request
) -> Response:
    ctx = context_of(request)
    shown = await account_views.show(ctx, provider_id)
    site = _site(shown, site_id)
    if (await request.form()).get("confirm") != "yes":
        return closing_page(request, shown, site=site)
    return await _send(
        request,
        who,
        shown,
        lambda key: account_changes.close_site(ctx, who, site["site_id"], change_id=key),
        lambda errors, status: closing_page(
            request, shown, site=site, errors=errors, status=status
        ),
        (),
    )
