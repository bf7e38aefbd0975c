"""Authorized representatives: their organization's account — read it, change it. Every route is
under /organizations/{provider_id} and needs a session for exactly that organization. A POST's
Idempotency-Key also keys the account change, so a retry never applies a change twice."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter

from cair.domain.account_changes import ChangeKind
from cair.domain.contracts.organization import ChangeResult
from cair.operations import account_changes, account_views, sessions, staff_lists
from cair.operations.sessions import Representative
from cair.web.api.headers import IdempotencyKey
from cair.web.api.schemas import (
    ClosureBody,
    InfoBody,
    Limit,
    Message,
    NewUserBody,
    Offset,
    Page,
    ProviderOfRecordBody,
    RenameBody,
    RepresentativeBody,
    RoleBody,
    SignInBody,
    UserUpdateBody,
    page,
)
from cair.web.identity import PUBLIC, ClientAddress, Ctx, RepresentativeOf, audience

router = APIRouter(prefix="/api/v1/organizations/{provider_id}", tags=["representatives"])
REPRESENTATIVE = audience("representative")


def change_id(key: str | None, who: Representative) -> str | None:
    """The change id an Idempotency-Key stands for: the same key, the same change."""
    if not key:
        return None
    digest = hashlib.sha256(f"{who.provider_id}/{key}".encode()).hexdigest()
    return "CH" + digest[:10].upper()


@router.post("/sign-in", status_code=202, openapi_extra=PUBLIC)
async def sign_in(provider_id: str, body: SignInBody, ctx: Ctx, client: ClientAddress) -> Message:
    """E-mail a representative a sign-in link. Everyone gets the same answer."""
    return Message(message=await sessions.sign_in(ctx, provider_id, body.email, client=client))


@router.get("", openapi_extra=REPRESENTATIVE)
async def account(who: RepresentativeOf, ctx: Ctx) -> dict[str, Any]:
    """The organization (open or closed, its provider of record), every site of it (Site ID,
    name, county, region, addresses, VFC PIN, contacts, open or closed, data-exchange stage),
    users and representatives. ``site`` is the main site, as before."""
    return await account_views.show(ctx, who.provider_id)


@router.get("/changes", openapi_extra=REPRESENTATIVE)
async def changes(who: RepresentativeOf, ctx: Ctx) -> dict[str, Any]:
    """The changes awaiting staff approval, and every change asked for with what became of it,
    as the store recorded them (a change being applied now is answered to its sender)."""
    return await account_views.changes(ctx, who.provider_id)


@router.get("/audit", openapi_extra=REPRESENTATIVE)
async def audit(
    who: RepresentativeOf, ctx: Ctx, limit: Limit = 50, offset: Offset = 0
) -> Page[dict[str, Any]]:
    """Who changed what, with old and new values, when; newest first."""
    found, total = await staff_lists.organization_audit(
        ctx, who.provider_id, limit=limit, offset=offset
    )
    return page(found, total=total, offset=offset, limit=limit)


@router.post("/info", openapi_extra=REPRESENTATIVE)
async def update_info(
    body: InfoBody, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """Contacts, addresses, VFC PIN (the county is not changed: that is a new enrollment).
    Every problem is answered at once, one entry per field."""
    return await account_changes.update_info(ctx, who, body, change_id=change_id(key, who))


@router.post("/sites/{site_id}/info", openapi_extra=REPRESENTATIVE)
async def update_site_info(
    site_id: str, body: InfoBody, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """One site's addresses and VFC PIN (the organization's contacts change under /info).
    Every problem is answered at once, one entry per field."""
    return await account_changes.update_info(
        ctx, who, body, change_id=change_id(key, who), site_id=site_id
    )


@router.post("/sites/{site_id}/close", openapi_extra=REPRESENTATIVE)
async def close_site(
    site_id: str, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """At once: the site closes, its data-exchange credentials stop working and its IZ Portal
    onboarding stops. Never the last open site (close the organization instead)."""
    return await account_changes.close_site(ctx, who, site_id, change_id=change_id(key, who))


@router.post("/name", openapi_extra=REPRESENTATIVE)
async def rename_organization(
    body: RenameBody, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """A new name for the organization; applies at once."""
    return await account_changes.rename_organization(ctx, who, body, change_id=change_id(key, who))


@router.post("/provider-of-record", openapi_extra=REPRESENTATIVE)
async def change_provider_of_record(
    body: ProviderOfRecordBody, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """A new provider of record (license required where the organization administers
    vaccines; an NPI's check digit is checked). Waits for registry staff."""
    return await account_changes.change_provider_of_record(
        ctx, who, body, change_id=change_id(key, who)
    )


@router.post("/close", openapi_extra=REPRESENTATIVE)
async def close_organization(
    body: ClosureBody, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """Close the organization, with a reason. Waits for registry staff; once approved every
    user is inactivated, every site closed, every credential revoked, every session ended."""
    return await account_changes.close_organization(ctx, who, body, change_id=change_id(key, who))


@router.post("/users", openapi_extra=REPRESENTATIVE)
async def add_user(
    body: NewUserBody, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """A new user; Regular and Power users get access after training. Every problem is
    answered at once: the role against the organization's access level too."""
    return await account_changes.add_user(ctx, who, body, change_id=change_id(key, who))


async def _user(
    ctx: Ctx, who: Representative, kind: ChangeKind, user_id: str, key: str | None, **more: Any
) -> ChangeResult:
    return await account_changes.user_change(
        ctx, who, kind, user_id, change_id=change_id(key, who), **more
    )


@router.post("/users/{user_id}/inactivate", openapi_extra=REPRESENTATIVE)
async def inactivate(
    user_id: str, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """At once: sessions and pending links end, a training gate stops."""
    return await _user(ctx, who, ChangeKind.INACTIVATE_USER, user_id, key)


@router.post("/users/{user_id}/reactivate", openapi_extra=REPRESENTATIVE)
async def reactivate(
    user_id: str, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """Training older than 12 months is taken again first."""
    return await _user(ctx, who, ChangeKind.REACTIVATE_USER, user_id, key)


@router.post("/users/{user_id}/role", openapi_extra=REPRESENTATIVE)
async def change_role(
    user_id: str, body: RoleBody, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """Lowering applies at once; raising waits for registry staff."""
    return await _user(ctx, who, ChangeKind.CHANGE_ROLE, user_id, key, role=body.role)


@router.post("/users/{user_id}/details", openapi_extra=REPRESENTATIVE)
async def correct_user(
    user_id: str,
    body: UserUpdateBody,
    who: RepresentativeOf,
    ctx: Ctx,
    key: IdempotencyKey = None,
) -> ChangeResult:
    """Correct a user's name or e-mail address (the User ID never changes)."""
    return await _user(ctx, who, ChangeKind.UPDATE_USER, user_id, key, user_update=body)


@router.post("/users/{user_id}/representative", openapi_extra=REPRESENTATIVE)
async def name_representative(
    user_id: str, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """Name an active user an authorized representative."""
    return await _user(ctx, who, ChangeKind.NAME_REPRESENTATIVE, user_id, key)


@router.post("/representatives/remove", openapi_extra=REPRESENTATIVE)
async def remove_representative(
    body: RepresentativeBody, who: RepresentativeOf, ctx: Ctx, key: IdempotencyKey = None
) -> ChangeResult:
    """By address (a representative need not be a user); never the last one."""
    return await account_changes.remove_representative(
        ctx, who, body.email, change_id=change_id(key, who)
    )
